package io.facegate.model.face;

import java.util.Arrays;

/**
 * Where the five reference points of a face go in the aligned image that a descriptor network
 * expects: left eye centre, right eye centre, nose tip, left and right mouth corner (left and right
 * as seen in the image), in output pixel coordinates. Part of the model's contract.
 *
 * @param width aligned image width
 * @param height aligned image height
 * @param points ten coordinates, {@code x0, y0, ..., x4, y4}, in the order above
 */
public record AlignmentTemplate(int width, int height, double[] points) {

  /** Number of reference points. */
  public static final int POINTS = 5;

  /**
   * The five-point template of the ArcFace / InsightFace family for a 112 x 112 crop, the de-facto
   * standard for aligned face crops.
   */
  private static final double[] ARCFACE_112 = {
    38.2946, 51.6963, 73.5318, 51.5014, 56.0252, 71.7366, 41.5493, 92.3655, 70.7299, 92.2041
  };

  /** Validates the template; the points are copied. */
  public AlignmentTemplate {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("alignment size must be > 0, got " + width + "x" + height);
    }
    if (points == null || points.length != 2 * POINTS) {
      throw new IllegalArgumentException("alignment template needs " + 2 * POINTS + " coordinates");
    }
    for (double p : points) {
      if (!Double.isFinite(p)) {
        throw new IllegalArgumentException("alignment template coordinates must be finite");
      }
    }
    points = points.clone();
  }

  /**
   * The ArcFace template for a square {@code size x size} crop, zoomed about the crop centre:
   * {@code zoom < 1} leaves more of the head and background in the crop, {@code zoom > 1} less.
   */
  public static AlignmentTemplate arcface(int size, double zoom) {
    if (!(zoom > 0) || !Double.isFinite(zoom)) {
      throw new IllegalArgumentException("zoom must be finite and > 0, got " + zoom);
    }
    double[] p = new double[ARCFACE_112.length];
    double s = size / 112.0 * zoom;
    for (int i = 0; i < p.length; i++) {
      p[i] = (ARCFACE_112[i] - 56.0) * s + size / 2.0;
    }
    return new AlignmentTemplate(size, size, p);
  }

  @Override
  public double[] points() {
    return points.clone();
  }

  /** {@code "WxH:x0,y0,...,x4,y4"}, the form stored in model metadata. */
  public String toProperty() {
    StringBuilder sb = new StringBuilder().append(width).append('x').append(height).append(':');
    for (int i = 0; i < points.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(points[i]);
    }
    return sb.toString();
  }

  /**
   * Parses {@link #toProperty()}'s form.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static AlignmentTemplate parse(String s) {
    if (s == null) {
      throw new IllegalArgumentException("alignment template missing");
    }
    int colon = s.indexOf(':');
    int x = s.indexOf('x');
    if (colon < 0 || x < 0 || x > colon) {
      throw new IllegalArgumentException(
          "alignment template must look like WxH:x0,y0,...: '" + s + "'");
    }
    try {
      int w = Integer.parseInt(s.substring(0, x).trim());
      int h = Integer.parseInt(s.substring(x + 1, colon).trim());
      String[] parts = s.substring(colon + 1).split(",", -1);
      double[] p = new double[parts.length];
      for (int i = 0; i < parts.length; i++) {
        p[i] = Double.parseDouble(parts[i].trim());
      }
      return new AlignmentTemplate(w, h, p);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("alignment template has a bad number: '" + s + "'", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AlignmentTemplate t
        && t.width == width
        && t.height == height
        && Arrays.equals(t.points, points);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + Arrays.hashCode(points);
  }

  @Override
  public String toString() {
    return "AlignmentTemplate[" + toProperty() + "]";
  }
}
