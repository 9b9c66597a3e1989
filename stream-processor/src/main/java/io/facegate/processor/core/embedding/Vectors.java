package io.facegate.processor.core.embedding;

import java.util.List;

/**
 * Embedding arithmetic on plain {@code float[]}: validation, L2 normalisation, the squared distance
 * of the gallery scan and the normalised-mean template. Sums are accumulated in {@code double} so
 * that the result does not depend on the order of a few thousand float additions more than
 * necessary.
 */
public final class Vectors {
  /** Below this norm a vector has no direction worth comparing. */
  static final double MIN_NORM = 1e-12;

  private Vectors() {}

  /**
   * Checks that {@code v} has {@code dim} finite components and a non-zero norm.
   *
   * @throws InvalidEmbeddingException naming what is wrong
   */
  public static void requireValid(float[] v, int dim) {
    if (v == null) {
      throw new InvalidEmbeddingException("embedding is missing");
    }
    if (v.length != dim) {
      throw new InvalidEmbeddingException(
          "embedding has dimension " + v.length + ", expected " + dim);
    }
    double sq = 0;
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        throw new InvalidEmbeddingException("embedding component " + i + " is " + v[i]);
      }
      sq += (double) v[i] * v[i];
    }
    if (Math.sqrt(sq) < MIN_NORM) {
      throw new InvalidEmbeddingException("embedding has zero norm");
    }
  }

  /** Euclidean norm of {@code v}. */
  public static double norm(float[] v) {
    double sq = 0;
    for (float x : v) {
      sq += (double) x * x;
    }
    return Math.sqrt(sq);
  }

  /**
   * A new unit-length copy of {@code v}.
   *
   * @throws InvalidEmbeddingException if {@code v} is not a valid {@code dim}-vector
   */
  public static float[] l2Normalised(float[] v, int dim) {
    requireValid(v, dim);
    double n = norm(v);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / n);
    }
    return out;
  }

  /**
   * Squared Euclidean distance between {@code a[aOff..aOff+dim)} and {@code b[bOff..bOff+dim)}: the
   * gallery's scan over rows it has already validated. A single distance between two vectors is
   * {@code io.facegate.model.embedding.EuclideanDistance}, shared with the trainer.
   */
  static double squaredDistance(float[] a, int aOff, float[] b, int bOff, int dim) {
    double sum = 0;
    for (int i = 0; i < dim; i++) {
      double d = (double) a[aOff + i] - b[bOff + i];
      sum += d * d;
    }
    return sum;
  }

  /**
   * A person's template from several embeddings of their face: each embedding is L2-normalised, the
   * normalised vectors are averaged, and the mean is L2-normalised again, so every image counts the
   * same whatever its raw norm.
   *
   * @throws InvalidEmbeddingException if the list is empty or any embedding is invalid, or the
   *     embeddings cancel out
   */
  public static float[] normalisedMean(List<float[]> embeddings, int dim) {
    if (embeddings == null || embeddings.isEmpty()) {
      throw new InvalidEmbeddingException("no embeddings to build a template from");
    }
    double[] sum = new double[dim];
    for (int k = 0; k < embeddings.size(); k++) {
      float[] unit;
      try {
        unit = l2Normalised(embeddings.get(k), dim);
      } catch (InvalidEmbeddingException e) {
        throw new InvalidEmbeddingException("embedding " + k + ": " + e.getMessage());
      }
      for (int i = 0; i < dim; i++) {
        sum[i] += unit[i];
      }
    }
    float[] mean = new float[dim];
    for (int i = 0; i < dim; i++) {
      mean[i] = (float) (sum[i] / embeddings.size());
    }
    return l2Normalised(mean, dim);
  }
}
