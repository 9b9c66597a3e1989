package io.facegate.trainer.finetune;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The closed-form maps a projection head may start from, fitted on the training people only; the
 * trainer measures each on the validation people and starts from the best (epoch 0):
 *
 * <ul>
 *   <li>{@code raw}: the raw backbone, i.e. the identity, or the uncentred PCA basis when the head
 *       is narrower than the backbone ({@link ProjectionBasis}); bias 0.
 *   <li>{@code whitened a=...}: within-person whitening ({@link Whitening}) for each strength in
 *       {@link #WHITENING_STRENGTHS}, followed by the PCA basis of the whitened training rows when
 *       the head is narrower.
 * </ul>
 */
final class HeadStarts {

  /**
   * Whitening strengths tried (multiples of the mean within-person variance added to the scatter's
   * diagonal): from nearly full whitening to nearly centring only.
   */
  static final double[] WHITENING_STRENGTHS = {0.1, 0.3, 1, 3, 10};

  private HeadStarts() {}

  /**
   * One start: a name for the logs and the card, and the affine map.
   *
   * @param name {@code raw} or {@code whitened a=<strength>}
   * @param map {@code outDim x inDim} weight and bias, no ReLU
   */
  record Candidate(String name, ProjectionHead.Dense map) {}

  /**
   * The candidates of {@code kind} for a head of {@code outDim} on {@code rows} (training rows with
   * their person labels).
   */
  static List<Candidate> candidates(
      FinetuneOptions.HeadStart kind, float[][] rows, int[] labels, int outDim, long seed) {
    int inDim = rows[0].length;
    List<Candidate> out = new ArrayList<>();
    if (kind != FinetuneOptions.HeadStart.WHITENED) {
      ProjectionHead.Dense identity = identity(inDim);
      out.add(
          new Candidate(
              "raw",
              outDim == inDim
                  ? identity
                  : project(ProjectionBasis.top(rows, outDim, seed), identity)));
    }
    if (kind != FinetuneOptions.HeadStart.RAW) {
      Whitening whitening = Whitening.fit(rows, labels);
      for (double alpha : WHITENING_STRENGTHS) {
        ProjectionHead.Dense map = whitening.affine(alpha);
        if (outDim < inDim) {
          map = project(ProjectionBasis.top(apply(map, rows), outDim, seed), map);
        }
        out.add(new Candidate(String.format(Locale.ROOT, "whitened a=%s", alpha), map));
      }
    }
    return out;
  }

  /** The identity map. */
  static ProjectionHead.Dense identity(int dim) {
    float[] w = new float[dim * dim];
    for (int i = 0; i < dim; i++) {
      w[i * dim + i] = 1f;
    }
    return new ProjectionHead.Dense(dim, dim, w, new float[dim], false);
  }

  /** {@code basis} (rows) after {@code map}: {@code P (W x + b)}. */
  static ProjectionHead.Dense project(float[][] basis, ProjectionHead.Dense map) {
    int d = basis.length;
    int mid = map.out();
    float[] w = new float[d * map.in()];
    float[] b = new float[d];
    for (int r = 0; r < d; r++) {
      double bias = 0;
      for (int k = 0; k < mid; k++) {
        float p = basis[r][k];
        if (p == 0f) {
          continue;
        }
        bias += p * map.bias()[k];
        for (int c = 0; c < map.in(); c++) {
          w[r * map.in() + c] += p * map.weight()[k * map.in() + c];
        }
      }
      b[r] = (float) bias;
    }
    return new ProjectionHead.Dense(map.in(), d, w, b, false);
  }

  /** {@code W x + b} for every row. */
  static float[][] apply(ProjectionHead.Dense map, float[][] rows) {
    float[][] out = new float[rows.length][map.out()];
    for (int i = 0; i < rows.length; i++) {
      for (int r = 0; r < map.out(); r++) {
        double s = map.bias()[r];
        int off = r * map.in();
        for (int c = 0; c < map.in(); c++) {
          s += map.weight()[off + c] * rows[i][c];
        }
        out[i][r] = (float) s;
      }
    }
    return out;
  }
}
