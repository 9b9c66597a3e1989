package io.facegate.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import io.facegate.trainer.model.GraphOps;

/**
 * Triplet loss with online negative mining inside a P x K batch, on distances \( d(x,y) = \lVert
 * f(x) - f(y) \rVert_2 \) and margin \( m \).
 *
 * <p>{@link Mining#HARD} (batch-hard; Hermans, Beyer and Leibe, 2017): per anchor a, the farthest
 * positive and the closest negative: \( L = \frac{1}{B} \sum_{a} \max\left(0,\
 * \max_{p:\,y_p=y_a,\,p\ne a} d(a,p) - \min_{n:\,y_n \ne y_a} d(a,n) + m\right) \).
 *
 * <p>{@link Mining#SEMI_HARD} (Schroff, Kalenichenko and Philbin, FaceNet, 2015): per positive pair
 * (a, p), the closest negative that is still farther than the positive, \( n^* =
 * \arg\min_{n:\,d(a,n) &gt; d(a,p)} d(a,n) \) (if there is none, the farthest negative); \( L =
 * \frac{1}{|P|} \sum_{(a,p) \in P} \max(0,\ d(a,p) - d(a,n^*) + m) \) over all positive pairs P.
 * Semi-hard negatives avoid the collapse to a single point that batch-hard mining can fall into
 * early in training.
 *
 * <p>Predictions: one array of embeddings [B, D]. Labels: one array of B person indices.
 */
public final class TripletLoss extends MarginLoss {

  /** How negatives are chosen. */
  public enum Mining {
    /** Hardest positive and hardest negative per anchor. */
    HARD,
    /** Closest negative farther than the positive, per positive pair. */
    SEMI_HARD
  }

  // distances on the unit sphere are at most 2: adding this excludes an entry from a minimum
  private static final float EXCLUDE = 4f;

  private final Mining mining;

  /** A triplet loss with the given margin (&gt; 0) and mining. */
  public TripletLoss(float margin, Mining mining) {
    super("TripletLoss", margin);
    if (mining == null) {
      throw new IllegalArgumentException("mining must not be null");
    }
    this.mining = mining;
  }

  /** The mining strategy. */
  public Mining mining() {
    return mining;
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray emb = predictions.singletonOrThrow();
    NDArray y = labels.singletonOrThrow().toType(DataType.FLOAT32, false);
    long b = y.size();
    NDArray norms = emb.square().sum(new int[] {1});
    NDArray sq =
        norms
            .expandDims(1)
            .add(norms.expandDims(0))
            .sub(GraphOps.scale(emb.matMul(emb.transpose()), 2f));
    NDArray dist = GraphOps.safeSqrt(sq, 1e-12f);
    NDArray same = y.expandDims(1).eq(y.expandDims(0)).toType(DataType.FLOAT32, false);
    NDArray positive = same.sub(emb.getManager().eye((int) b));
    if (mining == Mining.HARD) {
      NDArray hardestPositive = dist.mul(positive).max(new int[] {1});
      NDArray hardestNegative = dist.add(same.mul(EXCLUDE)).min(new int[] {1});
      return GraphOps.relu(hardestPositive.sub(hardestNegative).add(margin())).mean();
    }
    // [a, p, n] views: d(a, p) along axis 2, d(a, n) along axis 1
    NDArray dap = dist.expandDims(2);
    NDArray dan = dist.expandDims(1);
    NDArray negative = same.neg().add(1f).expandDims(1);
    NDArray farther = dan.gt(dap).toType(DataType.FLOAT32, false).mul(negative);
    NDArray hasFarther = farther.sum(new int[] {2}).gt(0f).toType(DataType.FLOAT32, false);
    NDArray closestFarther = dan.add(farther.neg().add(1f).mul(EXCLUDE)).min(new int[] {2});
    NDArray farthestNegative = dan.mul(negative).max(new int[] {2});
    NDArray chosen =
        hasFarther.mul(closestFarther).add(hasFarther.neg().add(1f).mul(farthestNegative));
    NDArray perPair = GraphOps.relu(dist.sub(chosen).add(margin())).mul(positive);
    return perPair.sum().div(positive.sum().maximum(1f));
  }
}
