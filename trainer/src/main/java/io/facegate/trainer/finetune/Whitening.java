package io.facegate.trainer.finetune;

import java.util.HashMap;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Within-class whitening of backbone embeddings, fitted on the training people (WCCN: Hatch,
 * Kajarekar and Stolcke, ICSLP 2006): \( h(x) = W (x - \mu) \) with \( W = (S_w + \alpha\, \bar s\,
 * I)^{-1/2} \), where \( \mu \) is the mean embedding, \( S_w \) the within-person scatter (each
 * row minus its person's mean) and \( \bar s = \mathrm{tr}(S_w) / D \). It shrinks the directions
 * in which one person's images differ (lighting, pose) relative to those in which people differ; \(
 * \alpha \) regularises it towards the identity (large \( \alpha \): centring only).
 *
 * <p>The eigendecomposition of \( S_w \) is done once; {@link #affine(double)} gives the map for
 * any \( \alpha \). The map is scaled so that the mean eigenvalue of \( W \) is 1, the identity's
 * scale, so the optimiser's learning rate means the same for every start (the head L2-normalises
 * its output, so the scale does not change any distance ranking).
 */
final class Whitening {

  /** Rows per block when accumulating the scatter. */
  private static final int SCATTER_BLOCK = 2048;

  private final int dim;
  private final double[] mean;
  private final double[] eigenvalues;
  private final DMatrixRMaj eigenvectors;
  private final double meanVariance;

  private Whitening(
      int dim, double[] mean, double[] eigenvalues, DMatrixRMaj eigenvectors, double meanVar) {
    this.dim = dim;
    this.mean = mean;
    this.eigenvalues = eigenvalues;
    this.eigenvectors = eigenvectors;
    this.meanVariance = meanVar;
  }

  /**
   * Fits the mean and within-person scatter of {@code rows}.
   *
   * @param labels person index of each row
   * @throws IllegalArgumentException when there are no rows, lengths differ, or a value is not
   *     finite
   * @throws IllegalStateException when the scatter has no spread at all (every person's images are
   *     identical) or cannot be decomposed
   */
  static Whitening fit(float[][] rows, int[] labels) {
    if (rows.length == 0 || rows.length != labels.length) {
      throw new IllegalArgumentException(
          "whitening needs rows with one label each, got "
              + rows.length
              + " rows and "
              + labels.length
              + " labels");
    }
    int d = rows[0].length;
    int n = rows.length;
    double[] mean = new double[d];
    Map<Integer, double[]> sums = new HashMap<>();
    Map<Integer, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      if (rows[i].length != d) {
        throw new IllegalArgumentException(
            "row " + i + " has length " + rows[i].length + ", expected " + d);
      }
      double[] s = sums.computeIfAbsent(labels[i], k -> new double[d]);
      counts.merge(labels[i], 1, Integer::sum);
      for (int j = 0; j < d; j++) {
        float v = rows[i][j];
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("row " + i + " holds a non-finite value " + v);
        }
        s[j] += v;
        mean[j] += v;
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    // accumulated in blocks of rows, so memory stays at one block however many images there are
    DMatrixRMaj scatter = new DMatrixRMaj(d, d);
    for (int from = 0; from < n; from += SCATTER_BLOCK) {
      int count = Math.min(SCATTER_BLOCK, n - from);
      DMatrixRMaj centred = new DMatrixRMaj(count, d);
      for (int i = 0; i < count; i++) {
        double[] s = sums.get(labels[from + i]);
        double c = counts.get(labels[from + i]);
        for (int j = 0; j < d; j++) {
          centred.unsafe_set(i, j, rows[from + i][j] - s[j] / c);
        }
      }
      CommonOps_DDRM.multAddTransA(centred, centred, scatter);
    }
    CommonOps_DDRM.divide(scatter, n);
    double meanVar = CommonOps_DDRM.trace(scatter) / d;
    if (!(meanVar > 0) || !Double.isFinite(meanVar)) {
      throw new IllegalStateException(
          "within-person scatter is " + meanVar + ": no person has two different embeddings");
    }
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
    if (!eig.decompose(scatter)) {
      throw new IllegalStateException("cannot decompose the within-person scatter");
    }
    double[] values = new double[d];
    DMatrixRMaj vectors = new DMatrixRMaj(d, d);
    for (int k = 0; k < d; k++) {
      // a scatter matrix is positive semi-definite: rounding may leave tiny negatives
      values[k] = Math.max(0, eig.getEigenvalue(k).getReal());
      DMatrixRMaj v = eig.getEigenVector(k);
      for (int j = 0; j < d; j++) {
        vectors.unsafe_set(j, k, v.get(j, 0));
      }
    }
    return new Whitening(d, mean, values, vectors, meanVar);
  }

  /**
   * The whitening map for {@code alpha} as one affine layer \( W x - W \mu \), scaled to mean
   * eigenvalue 1.
   *
   * @throws IllegalArgumentException unless {@code alpha > 0}
   */
  ProjectionHead.Dense affine(double alpha) {
    if (!(alpha > 0) || !Double.isFinite(alpha)) {
      throw new IllegalArgumentException("whitening strength must be > 0, got " + alpha);
    }
    double[] scale = new double[dim];
    double sum = 0;
    for (int k = 0; k < dim; k++) {
      scale[k] = 1 / Math.sqrt(eigenvalues[k] + alpha * meanVariance);
      sum += scale[k];
    }
    double norm = dim / sum;
    DMatrixRMaj scaled = eigenvectors.copy();
    for (int j = 0; j < dim; j++) {
      for (int k = 0; k < dim; k++) {
        scaled.unsafe_set(j, k, scaled.unsafe_get(j, k) * scale[k] * norm);
      }
    }
    DMatrixRMaj w = new DMatrixRMaj(dim, dim);
    CommonOps_DDRM.multTransB(scaled, eigenvectors, w);
    float[] weight = new float[dim * dim];
    float[] bias = new float[dim];
    for (int r = 0; r < dim; r++) {
      double b = 0;
      for (int c = 0; c < dim; c++) {
        double v = w.unsafe_get(r, c);
        weight[r * dim + c] = (float) v;
        b -= v * mean[c];
      }
      bias[r] = (float) b;
    }
    return new ProjectionHead.Dense(dim, dim, weight, bias, false);
  }

  /** The embedding length. */
  int dim() {
    return dim;
  }
}
