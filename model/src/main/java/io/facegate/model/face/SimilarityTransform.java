package io.facegate.model.face;

/**
 * A 2-D similarity transform (rotation, uniform scale, translation, no reflection): {@code x' = a*x
 * - b*y + tx}, {@code y' = b*x + a*y + ty}.
 *
 * @param a scale times the cosine of the rotation
 * @param b scale times the sine of the rotation
 * @param tx translation along x
 * @param ty translation along y
 */
public record SimilarityTransform(double a, double b, double tx, double ty) {

  /** Rejects non-finite coefficients and a degenerate (zero-scale) transform. */
  public SimilarityTransform {
    if (!Double.isFinite(a)
        || !Double.isFinite(b)
        || !Double.isFinite(tx)
        || !Double.isFinite(ty)) {
      throw new IllegalArgumentException(
          "similarity transform must be finite: a=" + a + " b=" + b + " tx=" + tx + " ty=" + ty);
    }
    if (a * a + b * b < 1e-12) {
      throw new IllegalArgumentException("similarity transform has zero scale");
    }
  }

  /**
   * The least-squares similarity transform mapping {@code src} points onto {@code dst} points
   * (Umeyama 1991, restricted to proper rotations). Points are interleaved {@code x0, y0, x1, ...}.
   *
   * @throws IllegalArgumentException for fewer than two points, lengths that differ, non-finite
   *     coordinates, or source points that all coincide
   */
  public static SimilarityTransform estimate(double[] src, double[] dst) {
    if (src == null
        || dst == null
        || src.length != dst.length
        || src.length < 4
        || src.length % 2 != 0) {
      throw new IllegalArgumentException(
          "need two equally long interleaved point lists of at least 2 points");
    }
    int n = src.length / 2;
    double sx = 0;
    double sy = 0;
    double dx = 0;
    double dy = 0;
    for (int i = 0; i < n; i++) {
      double[] p = {src[2 * i], src[2 * i + 1], dst[2 * i], dst[2 * i + 1]};
      for (double v : p) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("point " + i + " is not finite");
        }
      }
      sx += p[0];
      sy += p[1];
      dx += p[2];
      dy += p[3];
    }
    sx /= n;
    sy /= n;
    dx /= n;
    dy /= n;
    // for centred points, the optimal (a, b) = sum(dst . src, dst x src) / sum(|src|^2)
    double dot = 0;
    double cross = 0;
    double norm = 0;
    for (int i = 0; i < n; i++) {
      double x = src[2 * i] - sx;
      double y = src[2 * i + 1] - sy;
      double u = dst[2 * i] - dx;
      double v = dst[2 * i + 1] - dy;
      dot += u * x + v * y;
      cross += v * x - u * y;
      norm += x * x + y * y;
    }
    if (norm < 1e-12) {
      throw new IllegalArgumentException("source points coincide");
    }
    double a = dot / norm;
    double b = cross / norm;
    return new SimilarityTransform(a, b, dx - (a * sx - b * sy), dy - (b * sx + a * sy));
  }

  /** The uniform scale factor. */
  public double scale() {
    return Math.hypot(a, b);
  }

  /** The rotation in radians. */
  public double rotation() {
    return Math.atan2(b, a);
  }

  /** x of the image of {@code (x, y)}. */
  public double applyX(double x, double y) {
    return a * x - b * y + tx;
  }

  /** y of the image of {@code (x, y)}. */
  public double applyY(double x, double y) {
    return b * x + a * y + ty;
  }

  /** The inverse transform. */
  public SimilarityTransform inverse() {
    double s2 = a * a + b * b;
    double ia = a / s2;
    double ib = -b / s2;
    return new SimilarityTransform(ia, ib, -(ia * tx - ib * ty), -(ib * tx + ia * ty));
  }
}
