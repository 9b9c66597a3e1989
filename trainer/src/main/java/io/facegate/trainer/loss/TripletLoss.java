package io.facegate.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * Triplet loss with online batch-hard mining (Hermans, Beyer and Leibe, 2017) on a P x K batch:
 * for each anchor a, the hardest positive is the farthest image of the same person and the
 * hardest negative the closest image of anyone else:
 *
 * <p>\( L = \frac{1}{PK} \sum_{a} \max\left(0,\ \max_{p:\,y_p=y_a,\,p\ne a} d(a,p) -
 * \min_{n:\,y_n \ne y_a} d(a,n) + m\right) \) with \( d(x,y) = \lVert f(x) - f(y) \rVert_2 \).
 *
 * <p>Predictions: one array of embeddings [B, D]. Labels: one array of B person indices.
 */
public final class TripletLoss extends Loss {

  private final float margin;

  /** A triplet loss with the given margin (&gt; 0). */
  public TripletLoss(float margin) {
    super("TripletLoss");
    if (!(margin > 0)) {
      throw new IllegalArgumentException("margin must be > 0, got " + margin);
    }
    this.margin = margin;
  }

  /** The margin m. */
  public float margin() {
    return margin;
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray emb = predictions.singletonOrThrow();
    NDArray y = labels.singletonOrThrow().toType(DataType.FLOAT32, false);
    long b = y.size();
    NDArray norms = emb.square().sum(new int[] {1});
    NDArray sq = norms.expandDims(1).add(norms.expandDims(0)).sub(emb.matMul(emb.transpose()).mul(2f));
    NDArray dist = sq.maximum(1e-12f).sqrt();
    NDArray same = y.expandDims(1).eq(y.expandDims(0)).toType(DataType.FLOAT32, false);
    NDArray eye = emb.getManager().eye((int) b);
    NDArray positive = same.sub(eye);
    NDArray hardestPositive = dist.mul(positive).max(new int[] {1});
    // distances are at most 2 on the unit sphere: adding 4 to same-person entries excludes them
    NDArray hardestNegative = dist.add(same.mul(4f)).min(new int[] {1});
    return hardestPositive.sub(hardestNegative).add(margin).maximum(0f).mean();
  }
}
