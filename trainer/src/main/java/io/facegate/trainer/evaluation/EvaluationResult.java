package io.facegate.trainer.evaluation;

/**
 * Everything measured on one set of held-out people.
 *
 * @param verification pair-verification figures
 * @param oneShotAccuracy one-shot N-way identification accuracy
 * @param identities people evaluated
 * @param images images evaluated
 * @param distances the pair distances (for plots)
 */
public record EvaluationResult(
    VerificationMetrics verification,
    double oneShotAccuracy,
    int identities,
    int images,
    PairDistances distances) {

  /** Trials of the one-shot gallery draw that are averaged. */
  public static final int ONE_SHOT_TRIALS = 10;

  /** Evaluates embeddings of labelled images, deciding pairs with {@code threshold}. */
  public static EvaluationResult of(
      float[][] embeddings, int[] labels, double threshold, long seed) {
    PairDistances d = PairDistances.allPairs(embeddings, labels);
    int people = (int) java.util.Arrays.stream(labels).distinct().count();
    return new EvaluationResult(
        VerificationMetrics.of(d, threshold),
        OneShotIdentification.accuracy(embeddings, labels, ONE_SHOT_TRIALS, seed),
        people,
        labels.length,
        d);
  }
}
