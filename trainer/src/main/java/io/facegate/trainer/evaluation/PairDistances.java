package io.facegate.trainer.evaluation;

import io.facegate.model.embedding.EuclideanDistance;
import java.util.Arrays;

/**
 * Euclidean distances of every pair of images, split into genuine (same person) and impostor
 * (different people) pairs. Each array is sorted ascending and holds only finite values: the
 * metrics walk them in order, and a NaN would compare false with every threshold.
 *
 * @param genuine distances of same-person pairs
 * @param impostor distances of different-person pairs
 */
public record PairDistances(double[] genuine, double[] impostor) {

  /**
   * Sorts copies of both arrays.
   *
   * @throws IllegalArgumentException if either is empty or holds a NaN or infinite distance
   */
  public PairDistances {
    if (genuine.length == 0 || impostor.length == 0) {
      throw new IllegalArgumentException(
          "need at least one genuine and one impostor pair, got "
              + genuine.length
              + " and "
              + impostor.length);
    }
    requireFinite(genuine, "genuine");
    requireFinite(impostor, "impostor");
    genuine = genuine.clone();
    impostor = impostor.clone();
    Arrays.sort(genuine);
    Arrays.sort(impostor);
  }

  /**
   * All pairs i &lt; j of the embeddings; {@code labels[i]} is the person of row i.
   *
   * @throws IllegalArgumentException if the counts differ, or a row is missing, of another
   *     dimension than row 0, or holds a NaN or infinite component (the message names the row)
   */
  public static PairDistances allPairs(float[][] embeddings, int[] labels) {
    int n = embeddings.length;
    if (labels.length != n) {
      throw new IllegalArgumentException(n + " embeddings but " + labels.length + " labels");
    }
    requireFiniteRows(embeddings);
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
        double d = EuclideanDistance.between(embeddings[i], embeddings[j]);
        if (labels[i] == labels[j]) {
          genuine[gi++] = d;
        } else {
          impostor[ii++] = d;
        }
      }
    }
    return new PairDistances(genuine, impostor);
  }

  /**
   * Checks every row once up front, so that a diverged model is reported by the image it failed on
   * rather than by the first pair that happens to contain it.
   */
  static void requireFiniteRows(float[][] embeddings) {
    for (int i = 0; i < embeddings.length; i++) {
      float[] row = embeddings[i];
      if (row == null) {
        throw new IllegalArgumentException("embedding of image " + i + " is missing");
      }
      if (row.length != embeddings[0].length) {
        throw new IllegalArgumentException(
            "embedding of image "
                + i
                + " has dimension "
                + row.length
                + ", image 0 has "
                + embeddings[0].length);
      }
      for (int k = 0; k < row.length; k++) {
        if (!Float.isFinite(row[k])) {
          throw new IllegalArgumentException(
              "embedding of image "
                  + i
                  + " has "
                  + row[k]
                  + " at component "
                  + k
                  + " (did training diverge?)");
        }
      }
    }
  }

  private static void requireFinite(double[] distances, String kind) {
    for (int i = 0; i < distances.length; i++) {
      if (!Double.isFinite(distances[i])) {
        throw new IllegalArgumentException(kind + " pair distance " + i + " is " + distances[i]);
      }
    }
  }
}
