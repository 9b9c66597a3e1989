package io.facegate.trainer.evaluation;

import java.util.Arrays;

/**
 * Euclidean distances of every pair of images, split into genuine (same person) and impostor
 * (different people) pairs. Each array is sorted ascending.
 *
 * @param genuine distances of same-person pairs
 * @param impostor distances of different-person pairs
 */
public record PairDistances(double[] genuine, double[] impostor) {

  /** Sorts copies of both arrays; each must be non-empty and free of NaN. */
  public PairDistances {
    if (genuine.length == 0 || impostor.length == 0) {
      throw new IllegalArgumentException("need at least one genuine and one impostor pair, got "
          + genuine.length + " and " + impostor.length);
    }
    genuine = genuine.clone();
    impostor = impostor.clone();
    Arrays.sort(genuine);
    Arrays.sort(impostor);
    // sorting puts NaN last; a NaN distance (diverged weights) would stall the threshold sweeps
    if (Double.isNaN(genuine[genuine.length - 1]) || Double.isNaN(impostor[impostor.length - 1])) {
      throw new IllegalArgumentException("a pair distance is NaN: the embeddings are not finite");
    }
  }

  /** All pairs i &lt; j of the embeddings; {@code labels[i]} is the person of row i. */
  public static PairDistances allPairs(float[][] embeddings, int[] labels) {
    int n = embeddings.length;
    long g = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        if (labels[i] == labels[j]) {
          g++;
        }
      }
    }
    long total = (long) n * (n - 1) / 2;
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many images for all-pairs evaluation: " + n);
    }
    double[] genuine = new double[(int) g];
    double[] impostor = new double[(int) (total - g)];
    int gi = 0;
    int ii = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double d = distance(embeddings[i], embeddings[j]);
        if (labels[i] == labels[j]) {
          genuine[gi++] = d;
        } else {
          impostor[ii++] = d;
        }
      }
    }
    return new PairDistances(genuine, impostor);
  }

  /** Euclidean distance. */
  public static double distance(float[] a, float[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      double d = a[k] - b[k];
      s += d * d;
    }
    return Math.sqrt(s);
  }
}
