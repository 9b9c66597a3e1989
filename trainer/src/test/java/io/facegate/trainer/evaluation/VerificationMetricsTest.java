package io.facegate.trainer.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class VerificationMetricsTest {

  // genuine {0.1, 0.2, 0.3}, impostor {0.25, 0.4, 0.5}: one genuine pair is farther than one
  // impostor pair
  private final PairDistances overlap =
      new PairDistances(new double[] {0.3, 0.1, 0.2}, new double[] {0.5, 0.25, 0.4});

  @Test
  void eerWhereOneErrorOfEachKindMeet() {
    double[] eer = VerificationMetrics.equalErrorRate(overlap);
    assertEquals(1.0 / 3, eer[0], 1e-12);
    // at t = 0.25: FAR 1/3, FRR 1/3; the threshold sits midway to the next distance 0.3
    assertEquals(0.275, eer[1], 1e-12);
  }

  @Test
  void perfectSeparationHasZeroEerAndUnitAuc() {
    PairDistances d = new PairDistances(new double[] {0.1, 0.2}, new double[] {0.8, 0.9, 1.0});
    assertEquals(0.0, VerificationMetrics.equalErrorRate(d)[0], 1e-12);
    assertEquals(1.0, VerificationMetrics.auc(d), 1e-12);
    assertEquals(1.0, VerificationMetrics.tarAtFar(d, 0.001), 1e-12);
  }

  @Test
  void aucCountsOrderedPairsAndHalfTies() {
    // 9 (genuine, impostor) combinations; only (0.3, 0.25) is mis-ordered -> 8/9
    assertEquals(8.0 / 9, VerificationMetrics.auc(overlap), 1e-12);
    PairDistances tie = new PairDistances(new double[] {0.5}, new double[] {0.5});
    assertEquals(0.5, VerificationMetrics.auc(tie), 1e-12);
  }

  @Test
  void tarAtFarStopsBelowTheFirstDisallowedImpostor() {
    // FAR <= 1 % of 3 impostor pairs allows none: threshold just below 0.25 accepts 0.1 and 0.2
    assertEquals(2.0 / 3, VerificationMetrics.tarAtFar(overlap, 0.01), 1e-12);
    // FAR <= 34 % allows one impostor (0.25): threshold just below 0.4 accepts all genuine
    assertEquals(1.0, VerificationMetrics.tarAtFar(overlap, 0.34), 1e-12);
  }

  @Test
  void ratesAndAccuracyAtAGivenThreshold() {
    VerificationMetrics m = VerificationMetrics.of(overlap, 0.22);
    assertEquals(0.0, m.farAtThreshold(), 1e-12);
    assertEquals(1.0 / 3, m.frrAtThreshold(), 1e-12);
    assertEquals(5.0 / 6, m.accuracyAtThreshold(), 1e-12);
    assertEquals(1 - (1.0 / 3) / 2, m.balancedAccuracyAtThreshold(), 1e-12);
    assertEquals(3, m.genuinePairs());
    assertEquals(3, m.impostorPairs());
  }

  @Test
  void rocRunsFromOriginToOneOne() {
    List<double[]> roc = VerificationMetrics.roc(overlap);
    assertEquals(0.0, roc.get(0)[0]);
    assertEquals(1.0, roc.get(roc.size() - 1)[0], 1e-12);
    assertEquals(1.0, roc.get(roc.size() - 1)[1], 1e-12);
  }

  @Test
  void allPairsSplitsGenuineAndImpostor() {
    float[][] emb = {{0, 0}, {3, 4}, {0, 1}};
    PairDistances d = PairDistances.allPairs(emb, new int[] {7, 7, 8});
    assertEquals(1, d.genuine().length);
    assertEquals(5.0, d.genuine()[0], 1e-9);
    assertEquals(2, d.impostor().length);
    assertEquals(1.0, d.impostor()[0], 1e-9);
  }

  @Test
  void rejectsNonFiniteThresholdsAndTargetRates() {
    assertThrows(IllegalArgumentException.class, () -> VerificationMetrics.of(overlap, Double.NaN));
    assertThrows(
        IllegalArgumentException.class,
        () -> VerificationMetrics.of(overlap, Double.POSITIVE_INFINITY));
    assertThrows(
        IllegalArgumentException.class,
        () -> VerificationMetrics.thresholdAtFar(overlap, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> VerificationMetrics.tarAtFar(overlap, 1.5));
  }
}
