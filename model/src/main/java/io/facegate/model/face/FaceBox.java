package io.facegate.model.face;

/**
 * One detected face, in pixels of the source image: {@code (x, y)} is the top-left corner, {@code
 * x} grows to the right and {@code y} downwards.
 *
 * @param x left edge, in source pixels
 * @param y top edge, in source pixels
 * @param width box width in source pixels, &gt; 0
 * @param height box height in source pixels, &gt; 0
 * @param score the detector's face probability, in (0, 1]
 */
public record FaceBox(double x, double y, double width, double height, double score) {

  /** Rejects non-finite coordinates, empty boxes and scores outside (0, 1]. */
  public FaceBox {
    if (!Double.isFinite(x) || !Double.isFinite(y)) {
      throw new IllegalArgumentException("face box corner must be finite: " + x + ", " + y);
    }
    if (!(width > 0) || !(height > 0) || !Double.isFinite(width) || !Double.isFinite(height)) {
      throw new IllegalArgumentException(
          "face box size must be finite and > 0: " + width + "x" + height);
    }
    if (!(score > 0 && score <= 1)) {
      throw new IllegalArgumentException("face score must be in (0, 1]: " + score);
    }
  }

  /** Right edge, {@code x + width}. */
  public double right() {
    return x + width;
  }

  /** Bottom edge, {@code y + height}. */
  public double bottom() {
    return y + height;
  }

  /** Intersection over union with {@code other}; 0 when they do not overlap. */
  public double iou(FaceBox other) {
    double iw = Math.min(right(), other.right()) - Math.max(x, other.x);
    double ih = Math.min(bottom(), other.bottom()) - Math.max(y, other.y);
    if (iw <= 0 || ih <= 0) {
      return 0;
    }
    double inter = iw * ih;
    return inter / (width * height + other.width * other.height - inter);
  }
}
