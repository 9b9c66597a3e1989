package io.facegate.model.face;

import io.facegate.model.preprocess.RawImage;
import java.util.Arrays;

/**
 * Resamples an image through a similarity transform: each output pixel takes the source under the
 * inverse transform (bilinear, border repeated); when the source is shrunk by more than half, each
 * output pixel averages a grid of samples over its footprint so that it does not alias. Work is
 * bounded by the output size.
 */
final class ImageWarp {

  /** Upper bound on samples per axis and output pixel when shrinking. */
  private static final int MAX_SUPERSAMPLE = 8;

  private ImageWarp() {}

  /** The {@code width x height} image of {@code src} under {@code srcToDst}. */
  static RawImage warp(RawImage src, SimilarityTransform srcToDst, int width, int height) {
    int c = src.channels();
    SimilarityTransform inv = srcToDst.inverse();
    // source pixels per output pixel; above 2 bilinear alone would alias
    double step = inv.scale();
    int k = (int) Math.min(MAX_SUPERSAMPLE, Math.max(1, Math.ceil(step / 2.0)));
    byte[] out = new byte[width * height * c];
    double[] acc = new double[c];
    double n = (double) k * k;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        Arrays.fill(acc, 0);
        for (int sy = 0; sy < k; sy++) {
          double ay = y + (sy + 0.5) / k;
          for (int sx = 0; sx < k; sx++) {
            double ax = x + (sx + 0.5) / k;
            // continuous coordinates: pixel (x, y) covers [x, x+1), its centre is at x + 0.5
            bilinear(src, inv.applyX(ax, ay) - 0.5, inv.applyY(ax, ay) - 0.5, acc);
          }
        }
        int o = (y * width + x) * c;
        for (int ch = 0; ch < c; ch++) {
          out[o + ch] = (byte) Math.min(255, Math.max(0, Math.round(acc[ch] / n)));
        }
      }
    }
    return new RawImage(width, height, c, out);
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
