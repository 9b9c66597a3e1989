package io.facegate.model.preprocess;

import java.util.Random;

/**
 * Training-only augmentation on decoded images: horizontal flip, a small random similarity
 * transform (rotation, scale, shift; bilinear, edges replicated) and brightness/contrast jitter.
 * Never used at inference. All randomness comes from the caller's seeded {@link Random}, so a run
 * is reproducible.
 *
 * @param flipProbability chance of a horizontal flip, in [0, 1]
 * @param maxShiftFraction largest shift as a fraction of each side, in [0, 0.5)
 * @param maxRotationDegrees largest rotation either way, in [0, 45]
 * @param maxScaleChange largest relative zoom in or out, in [0, 0.5)
 * @param maxBrightness largest brightness offset, in grey levels (0..255)
 * @param maxContrast largest relative contrast change, in [0, 1)
 */
public record TrainingAugmenter(
    double flipProbability,
    double maxShiftFraction,
    double maxRotationDegrees,
    double maxScaleChange,
    double maxBrightness,
    double maxContrast) {

  /** Validates the ranges; the message names the offending field. */
  public TrainingAugmenter {
    if (!(flipProbability >= 0 && flipProbability <= 1)) {
      throw new IllegalArgumentException(
          "flipProbability must be in [0, 1], got " + flipProbability);
    }
    if (!(maxShiftFraction >= 0 && maxShiftFraction < 0.5)) {
      throw new IllegalArgumentException(
          "maxShiftFraction must be in [0, 0.5), got " + maxShiftFraction);
    }
    if (!(maxRotationDegrees >= 0 && maxRotationDegrees <= 45)) {
      throw new IllegalArgumentException(
          "maxRotationDegrees must be in [0, 45], got " + maxRotationDegrees);
    }
    if (!(maxScaleChange >= 0 && maxScaleChange < 0.5)) {
      throw new IllegalArgumentException(
          "maxScaleChange must be in [0, 0.5), got " + maxScaleChange);
    }
    if (!(maxBrightness >= 0 && maxBrightness <= 255)) {
      throw new IllegalArgumentException("maxBrightness must be in [0, 255], got " + maxBrightness);
    }
    if (!(maxContrast >= 0 && maxContrast < 1)) {
      throw new IllegalArgumentException("maxContrast must be in [0, 1), got " + maxContrast);
    }
  }

  /**
   * Flip half the time, shift up to 6 %, rotate up to 10 degrees, zoom +-8 %, brightness +-20,
   * contrast +-20 %.
   */
  public static TrainingAugmenter defaults() {
    return new TrainingAugmenter(0.5, 0.06, 10, 0.08, 20, 0.2);
  }

  /** Returns an augmented copy of {@code img}; {@code img} is not modified. */
  public RawImage apply(RawImage img, Random random) {
    int w = img.width();
    int h = img.height();
    int ch = img.channels();
    boolean flip = random.nextDouble() < flipProbability;
    double dx = (random.nextDouble() * 2 - 1) * maxShiftFraction * w;
    double dy = (random.nextDouble() * 2 - 1) * maxShiftFraction * h;
    double angle = Math.toRadians((random.nextDouble() * 2 - 1) * maxRotationDegrees);
    double scale = 1 + (random.nextDouble() * 2 - 1) * maxScaleChange;
    double brightness = (random.nextDouble() * 2 - 1) * maxBrightness;
    double contrast = 1 + (random.nextDouble() * 2 - 1) * maxContrast;
    // inverse map: output pixel -> source position (rotate and scale about the centre, then shift)
    double cos = Math.cos(angle) / scale;
    double sin = Math.sin(angle) / scale;
    double cx = (w - 1) / 2.0;
    double cy = (h - 1) / 2.0;
    byte[] src = img.pixels();
    byte[] out = new byte[src.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double ox = (flip ? w - 1 - x : x) - cx - dx;
        double oy = y - cy - dy;
        double sx = Math.min(w - 1, Math.max(0, cos * ox + sin * oy + cx));
        double sy = Math.min(h - 1, Math.max(0, -sin * ox + cos * oy + cy));
        int x0 = (int) sx;
        int y0 = (int) sy;
        int x1 = Math.min(w - 1, x0 + 1);
        int y1 = Math.min(h - 1, y0 + 1);
        double fx = sx - x0;
        double fy = sy - y0;
        for (int c = 0; c < ch; c++) {
          double v =
              (1 - fy)
                      * ((1 - fx) * (src[(y0 * w + x0) * ch + c] & 0xFF)
                          + fx * (src[(y0 * w + x1) * ch + c] & 0xFF))
                  + fy
                      * ((1 - fx) * (src[(y1 * w + x0) * ch + c] & 0xFF)
                          + fx * (src[(y1 * w + x1) * ch + c] & 0xFF));
          long a = Math.round((v - 128) * contrast + 128 + brightness);
          out[(y * w + x) * ch + c] = (byte) Math.min(255, Math.max(0, a));
        }
      }
    }
    return new RawImage(w, h, ch, out);
  }
}
