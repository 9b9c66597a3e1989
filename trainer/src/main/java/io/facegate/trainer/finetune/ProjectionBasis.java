package io.facegate.trainer.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * The d-dimensional subspace that keeps most of the embeddings' energy: the top eigenvectors of the
 * uncentred second-moment matrix \( M = X^\top X / n \), found by subspace iteration (\( Q
 * \leftarrow \mathrm{orth}(M Q) \)). Uncentred, so that projecting an L2-normalised embedding onto
 * it is the best rank-d approximation of the raw vector, and distances between projections stay
 * close to the raw distances: the head's starting point when d &lt; D.
 */
final class ProjectionBasis {

  private static final int ITERATIONS = 60;

  private ProjectionBasis() {}

  /** {@code d} orthonormal rows spanning the top-d subspace of {@code rows}; seeded start. */
  static float[][] top(float[][] rows, int d, long seed) {
    int n = rows.length;
    int dim = rows[0].length;
    if (d <= 0 || d > dim) {
      throw new IllegalArgumentException("basis size must be in [1, " + dim + "], got " + d);
    }
    float[] flat = new float[n * dim];
    for (int i = 0; i < n; i++) {
      System.arraycopy(rows[i], 0, flat, i * dim, dim);
    }
    Random random = new Random(seed);
    float[] q = new float[dim * d];
    for (int i = 0; i < q.length; i++) {
      q[i] = (float) random.nextGaussian();
    }
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray x = manager.create(flat, new Shape(n, dim));
      NDArray m = x.transpose().matMul(x).div(n);
      double[][] basis = orthonormalColumns(q, dim, d);
      for (int it = 0; it < ITERATIONS; it++) {
        NDArray z = m.matMul(manager.create(toFloat(basis, dim, d), new Shape(dim, d)));
        basis = orthonormalColumns(z.toFloatArray(), dim, d);
      }
      float[][] out = new float[d][dim];
      for (int c = 0; c < d; c++) {
        for (int r = 0; r < dim; r++) {
          out[c][r] = (float) basis[c][r];
        }
      }
      return out;
    }
  }

  private static float[] toFloat(double[][] columns, int dim, int d) {
    float[] out = new float[dim * d];
    for (int c = 0; c < d; c++) {
      for (int r = 0; r < dim; r++) {
        out[r * d + c] = (float) columns[c][r];
      }
    }
    return out;
  }

  /**
   * Modified Gram-Schmidt on the columns of a row-major {@code dim x d} matrix; returns columns.
   */
  private static double[][] orthonormalColumns(float[] a, int dim, int d) {
    double[][] cols = new double[d][dim];
    for (int c = 0; c < d; c++) {
      for (int r = 0; r < dim; r++) {
        cols[c][r] = a[r * d + c];
      }
    }
    Random refill = new Random(d);
    for (int c = 0; c < d; c++) {
      int attempts = 0;
      while (!orthogonalise(cols, c, dim)) {
        // rank-deficient data: any unit vector orthogonal to the others will do
        if (++attempts > 8) {
          throw new IllegalStateException(
              "cannot find " + d + " independent directions in " + dim + " dimensions");
        }
        for (int r = 0; r < dim; r++) {
          cols[c][r] = refill.nextGaussian();
        }
      }
    }
    return cols;
  }

  /**
   * Makes column c orthogonal to the columns before it and of unit length; false if it vanished.
   */
  private static boolean orthogonalise(double[][] cols, int c, int dim) {
    for (int k = 0; k < c; k++) {
      double dot = 0;
      for (int r = 0; r < dim; r++) {
        dot += cols[c][r] * cols[k][r];
      }
      for (int r = 0; r < dim; r++) {
        cols[c][r] -= dot * cols[k][r];
      }
    }
    double norm = 0;
    for (int r = 0; r < dim; r++) {
      norm += cols[c][r] * cols[c][r];
    }
    norm = Math.sqrt(norm);
    if (!(norm > 1e-9)) {
      return false;
    }
    for (int r = 0; r < dim; r++) {
      cols[c][r] /= norm;
    }
    return true;
  }
}
