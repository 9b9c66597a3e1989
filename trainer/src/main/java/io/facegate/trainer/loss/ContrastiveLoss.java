package io.facegate.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.facegate.trainer.model.GraphOps;

/**
 * Contrastive loss (Hadsell, Chopra and LeCun, 2006) for a batch of N pairs:
 *
 * <p>\( L = \frac{1}{N} \sum_{i=1}^{N} \left[ y_i\, d_i^2 + (1 - y_i)\, \max(0, m - d_i)^2 \right]
 * \) with \( d_i = \lVert f(a_i) - f(b_i) \rVert_2 \), \( y_i = 1 \) for a genuine pair and 0
 * otherwise, and margin \( m \).
 *
 * <p>Predictions: one array of 2N embeddings, the N left images then the N right images (both
 * branches are the same network, run as one batch). Labels: one array of N values y.
 */
public final class ContrastiveLoss extends MarginLoss {

  /** A contrastive loss with the given margin (&gt; 0). */
  public ContrastiveLoss(float margin) {
    super("ContrastiveLoss", margin);
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray emb = predictions.singletonOrThrow();
    NDArray same = labels.singletonOrThrow();
    long n = same.size();
    if (emb.getShape().get(0) != 2 * n) {
      throw new IllegalArgumentException(
          "expected " + 2 * n + " embeddings for " + n + " pairs, got " + emb.getShape());
    }
    NDArray left = emb.get("0:" + n);
    NDArray right = emb.get(n + ":");
    NDArray sq = left.sub(right).square().sum(new int[] {1});
    NDArray dist = GraphOps.safeSqrt(sq, 1e-12f);
    NDArray negative = GraphOps.relu(dist.neg().add(margin())).square();
    NDArray one = same.onesLike();
    return same.mul(sq).add(one.sub(same).mul(negative)).mean();
  }
}
