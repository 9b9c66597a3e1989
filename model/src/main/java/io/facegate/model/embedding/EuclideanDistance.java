package io.facegate.model.embedding;

/**
 * The one Euclidean distance between two embeddings, used for calibrating the threshold, for
 * evaluation and for every access decision, so that a threshold means the same everywhere. Sums are
 * accumulated in {@code double}.
 *
 * <p>A NaN or infinite component is rejected rather than propagated: a NaN distance compares false
 * with every threshold, and loops that walk sorted distances stop advancing on it.
 */
public final class EuclideanDistance {

  private EuclideanDistance() {}

  /**
   * Euclidean distance between {@code a} and {@code b}.
   *
   * @throws IllegalArgumentException if either is null, their lengths differ, or a component is NaN
   *     or infinite; the message names the vector and the component
   */
  public static double between(float[] a, float[] b) {
    if (a == null || b == null) {
      throw new IllegalArgumentException("embedding is missing");
    }
    if (a.length != b.length) {
      throw new IllegalArgumentException("dimensions differ: " + a.length + " vs " + b.length);
    }
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      if (!Float.isFinite(a[i]) || !Float.isFinite(b[i])) {
        throw new IllegalArgumentException(
            "non-finite embedding component "
                + i
                + ": "
                + (Float.isFinite(a[i])
                    ? "second vector has " + b[i]
                    : "first vector has " + a[i]));
      }
      double d = (double) a[i] - b[i];
      sum += d * d;
    }
    return Math.sqrt(sum);
  }
}
