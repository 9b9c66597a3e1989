package io.facegate.model.preprocess;

import java.util.Random;

/**
 * Training-only augmentation on decoded images: horizontal flip, a small shift (edges
 * replicated), and brightness/contrast jitter. Never used at inference. All randomness comes from
 * the caller's seeded {@link Random}, so a run is reproducible.
 *
 * @param flipProbability chance of a horizontal flip, in [0, 1]
 * @param maxShiftFraction largest shift as a fraction of each side, in [0, 0.5)
 * @param maxBrightness largest brightness offset, in grey levels (0..255)
 * @param maxContrast largest relative contrast change, in [0, 1)
 */
public record TrainingAugmenter(double flipProbability, double maxShiftFraction,
                                double maxBrightness, double maxContrast) {

  /** Validates the ranges; the message names the offending field. */
  public TrainingAugmenter {
    if (!(flipProbability >= 0 && flipProbability <= 1)) {
      throw new IllegalArgumentException("flipProbability must be in [0, 1], got " + flipProbability);
    }
    if (!(maxShiftFraction >= 0 && maxShiftFraction < 0.5)) {
      throw new IllegalArgumentException("maxShiftFraction must be in [0, 0.5), got " + maxShiftFraction);
    }
    if (!(maxBrightness >= 0 && maxBrightness <= 255)) {
      throw new IllegalArgumentException("maxBrightness must be in [0, 255], got " + maxBrightness);
    }
    if (!(maxContrast >= 0 && maxContrast < 1)) {
      throw new IllegalArgumentException("maxContrast must be in [0, 1), got " + maxContrast);
    }
  }

  /** Flip half the time, shift up to 6 %, brightness +-20 levels, contrast +-20 %. */
  public static TrainingAugmenter defaults() {
    return new TrainingAugmenter(0.5, 0.06, 20, 0.2);
  }

  /** Returns an augmented copy of {@code img}; {@code img} is not modified. */
  public RawImage apply(RawImage img, Random random) {
    int w = img.width();
    int h = img.height();
    int ch = img.channels();
    boolean flip = random.nextDouble() < flipProbability;
    int maxDx = (int) Math.floor(w * maxShiftFraction);
    int maxDy = (int) Math.floor(h * maxShiftFraction);
    int dx = maxDx == 0 ? 0 : random.nextInt(2 * maxDx + 1) - maxDx;
    int dy = maxDy == 0 ? 0 : random.nextInt(2 * maxDy + 1) - maxDy;
    double brightness = (random.nextDouble() * 2 - 1) * maxBrightness;
    double contrast = 1 + (random.nextDouble() * 2 - 1) * maxContrast;
    byte[] src = img.pixels();
    byte[] out = new byte[src.length];
    for (int y = 0; y < h; y++) {
      int sy = Math.min(h - 1, Math.max(0, y - dy));
      for (int x = 0; x < w; x++) {
        int fx = flip ? w - 1 - x : x;
        int sx = Math.min(w - 1, Math.max(0, fx - dx));
        for (int c = 0; c < ch; c++) {
          int v = src[(sy * w + sx) * ch + c] & 0xFF;
          long a = Math.round((v - 128) * contrast + 128 + brightness);
          out[(y * w + x) * ch + c] = (byte) Math.min(255, Math.max(0, a));
        }
      }
    }
    return new RawImage(w, h, ch, out);
  }
}
