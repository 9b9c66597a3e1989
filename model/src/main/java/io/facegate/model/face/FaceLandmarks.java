package io.facegate.model.face;

/**
 * The 68-point facial landmark layout of iBUG 300-W (as dlib and face-api use it), reduced to the
 * five reference points of an {@link AlignmentTemplate}.
 */
public final class FaceLandmarks {

  /** Number of landmarks in the 68-point layout. */
  public static final int POINTS_68 = 68;

  private FaceLandmarks() {}

  /**
   * The five reference points (left eye centre, right eye centre, nose tip, left and right mouth
   * corner, as seen in the image) from 68 interleaved landmark coordinates.
   *
   * @throws IllegalArgumentException when the array is not 136 finite numbers
   */
  public static double[] fivePointsOf68(float[] xy) {
    if (xy == null || xy.length != 2 * POINTS_68) {
      throw new IllegalArgumentException("need " + 2 * POINTS_68 + " landmark coordinates");
    }
    for (int i = 0; i < xy.length; i++) {
      if (!Float.isFinite(xy[i])) {
        throw new IllegalArgumentException("landmark coordinate " + i + " is not finite");
      }
    }
    double[] p = new double[2 * AlignmentTemplate.POINTS];
    mean(xy, 36, 42, p, 0);
    mean(xy, 42, 48, p, 1);
    copy(xy, 30, p, 2);
    copy(xy, 48, p, 3);
    copy(xy, 54, p, 4);
    return p;
  }

  private static void mean(float[] xy, int from, int to, double[] p, int at) {
    double x = 0;
    double y = 0;
    for (int i = from; i < to; i++) {
      x += xy[2 * i];
      y += xy[2 * i + 1];
    }
    p[2 * at] = x / (to - from);
    p[2 * at + 1] = y / (to - from);
  }

  private static void copy(float[] xy, int i, double[] p, int at) {
    p[2 * at] = xy[2 * i];
    p[2 * at + 1] = xy[2 * i + 1];
  }
}
