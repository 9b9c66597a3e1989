package io.facegate.model.preprocess;

/**
 * Bounds an untrusted image must respect before it is decoded.
 *
 * @param maxBytes largest accepted encoded size in bytes
 * @param maxPixels largest accepted width x height, read from the header before decoding
 * @param minSide smallest accepted width or height
 */
public record ImageLimits(int maxBytes, int maxPixels, int minSide) {

  /** Validates the bounds; the message names the offending field. */
  public ImageLimits {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be > 0, got " + maxBytes);
    }
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be > 0, got " + maxPixels);
    }
    if (minSide <= 0) {
      throw new IllegalArgumentException("minSide must be > 0, got " + minSide);
    }
  }

  /** 8 MiB, 4096 x 4096 pixels, sides of at least 32 pixels. */
  public static ImageLimits defaults() {
    return new ImageLimits(8 * 1024 * 1024, 4096 * 4096, 32);
  }
}
