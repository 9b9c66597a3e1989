package io.facegate.model.face;

import io.facegate.model.preprocess.RawImage;

/**
 * Warps a face into the {@link AlignmentTemplate} a descriptor expects: the similarity transform
 * that maps the face's five reference points onto the template's is estimated by least squares,
 * and the aligned image is resampled from the source through its inverse. Pixels that fall
 * outside the source repeat its border. When the face is shrunk by more than half, each output
 * pixel averages a grid of bilinear samples over its footprint, so large faces do not alias.
 * Deterministic, thread-safe, work bounded by the output size.
 */
public final class FaceAligner {

  /** Upper bound on samples per axis and output pixel when shrinking. */
  private static final int MAX_SUPERSAMPLE = 8;

  private final AlignmentTemplate template;

  /** An aligner for one template. */
  public FaceAligner(AlignmentTemplate template) {
    if (template == null) {
      throw new IllegalArgumentException("template must not be null");
    }
    this.template = template;
  }

  /** The template faces are aligned to. */
  public AlignmentTemplate template() {
    return template;
  }

  /**
   * The transform from source pixel coordinates to aligned coordinates for a face whose five
   * reference points (interleaved, template order) are {@code points}.
   */
  public SimilarityTransform transformFor(double[] points) {
    return SimilarityTransform.estimate(points, template.points());
  }

  /** Aligns the face whose five reference points in {@code src} are {@code points}. */
  public RawImage align(RawImage src, double[] points) {
    return warp(src, transformFor(points));
  }

  /** Resamples {@code src} through {@code srcToAligned} into the template's size. */
  public RawImage warp(RawImage src, SimilarityTransform srcToAligned) {
    int w = template.width();
    int h = template.height();
    int c = src.channels();
    SimilarityTransform inv = srcToAligned.inverse();
    // source pixels per aligned pixel; > 2 means a shrink that bilinear alone would alias
    double step = inv.scale();
    int k = (int) Math.min(MAX_SUPERSAMPLE, Math.max(1, Math.ceil(step / 2.0)));
    byte[] out = new byte[w * h * c];
    double[] acc = new double[c];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        java.util.Arrays.fill(acc, 0);
        for (int sy = 0; sy < k; sy++) {
          double ay = y + (sy + 0.5) / k - 0.5;
          for (int sx = 0; sx < k; sx++) {
            double ax = x + (sx + 0.5) / k - 0.5;
            // pixel centres: the aligned pixel (x, y) covers [x, x+1); coordinates address centres
            double px = inv.applyX(ax + 0.5, ay + 0.5) - 0.5;
            double py = inv.applyY(ax + 0.5, ay + 0.5) - 0.5;
            bilinear(src, px, py, acc);
          }
        }
        int o = (y * w + x) * c;
        double n = (double) k * k;
        for (int ch = 0; ch < c; ch++) {
          out[o + ch] = (byte) Math.min(255, Math.max(0, Math.round(acc[ch] / n)));
        }
      }
    }
    return new RawImage(w, h, c, out);
  }

  private static void bilinear(RawImage img, double px, double py, double[] acc) {
    int w = img.width();
    int h = img.height();
    double cx = Math.min(w - 1, Math.max(0, px));
    double cy = Math.min(h - 1, Math.max(0, py));
    int x0 = (int) Math.floor(cx);
    int y0 = (int) Math.floor(cy);
    int x1 = Math.min(w - 1, x0 + 1);
    int y1 = Math.min(h - 1, y0 + 1);
    double fx = cx - x0;
    double fy = cy - y0;
    for (int ch = 0; ch < acc.length; ch++) {
      double top = img.sample(x0, y0, ch) * (1 - fx) + img.sample(x1, y0, ch) * fx;
      double bottom = img.sample(x0, y1, ch) * (1 - fx) + img.sample(x1, y1, ch) * fx;
      acc[ch] += top * (1 - fy) + bottom * fy;
    }
  }
}
