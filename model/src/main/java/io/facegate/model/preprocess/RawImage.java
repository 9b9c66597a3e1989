package io.facegate.model.preprocess;

import java.util.Arrays;

/**
 * A decoded 8-bit image: row-major, channels interleaved (grey = 1 channel, RGB = 3).
 *
 * @param width pixels per row
 * @param height rows
 * @param channels 1 (grey) or 3 (RGB)
 * @param pixels {@code width * height * channels} unsigned bytes
 */
public record RawImage(int width, int height, int channels, byte[] pixels) {

  /** Checks that the pixel buffer matches the stated geometry. */
  public RawImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "width and height must be > 0, got " + width + "x" + height);
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    if (pixels == null || pixels.length != (long) width * height * channels) {
      throw new IllegalArgumentException("pixels must hold width*height*channels bytes");
    }
  }

  /** Unsigned value of one sample. */
  public int sample(int x, int y, int c) {
    return pixels[(y * width + x) * channels + c] & 0xFF;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawImage r
        && r.width == width
        && r.height == height
        && r.channels == channels
        && Arrays.equals(r.pixels, pixels);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * width + height) + channels) + Arrays.hashCode(pixels);
  }

  @Override
  public String toString() {
    return "RawImage[" + width + "x" + height + "x" + channels + "]";
  }
}
