package io.facegate.model.preprocess;

import java.util.Arrays;

/**
 * What the model expects as input: a {@code channels x height x width} float tensor where each
 * sample is {@code (x / 255 - mean[c]) / std[c]}. Part of the model's contract (stored in its
 * metadata), so trainer and processor pre-process identically.
 *
 * @param width tensor width in pixels
 * @param height tensor height in pixels
 * @param channels 1 (grey) or 3 (RGB)
 * @param mean per-channel mean, on the [0, 1] scale
 * @param std per-channel standard deviation, on the [0, 1] scale, each &gt; 0
 */
public record PreprocessSpec(int width, int height, int channels, float[] mean, float[] std) {

  /** Validates the spec; the message names the offending field. Arrays are copied. */
  public PreprocessSpec {
    if (width <= 0) {
      throw new IllegalArgumentException("width must be > 0, got " + width);
    }
    if (height <= 0) {
      throw new IllegalArgumentException("height must be > 0, got " + height);
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    if (mean == null || mean.length != channels) {
      throw new IllegalArgumentException("mean must have one value per channel (" + channels + ")");
    }
    if (std == null || std.length != channels) {
      throw new IllegalArgumentException("std must have one value per channel (" + channels + ")");
    }
    for (int c = 0; c < channels; c++) {
      if (!Float.isFinite(mean[c])) {
        throw new IllegalArgumentException("mean[" + c + "] must be finite");
      }
      if (!(std[c] > 0) || !Float.isFinite(std[c])) {
        throw new IllegalArgumentException("std[" + c + "] must be finite and > 0, got " + std[c]);
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PreprocessSpec s
        && s.width == width
        && s.height == height
        && s.channels == channels
        && Arrays.equals(s.mean, mean)
        && Arrays.equals(s.std, std);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * (31 * width + height) + channels) + Arrays.hashCode(mean))
        + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "PreprocessSpec["
        + width
        + "x"
        + height
        + "x"
        + channels
        + ", mean="
        + Arrays.toString(mean)
        + ", std="
        + Arrays.toString(std)
        + "]";
  }
}
