package io.facegate.trainer.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PairDistancesTest {

  @Test
  void splitsPairsIntoGenuineAndImpostorSorted() {
    float[][] e = {{0, 0}, {3, 4}, {0, 1}};
    PairDistances d = PairDistances.allPairs(e, new int[] {7, 7, 8});
    assertArrayEquals(new double[] {5}, d.genuine(), 1e-9);
    assertArrayEquals(new double[] {1, Math.sqrt(9 + 9)}, d.impostor(), 1e-9);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void rejectsANaNDistanceInsteadOfLettingTheEerLoopSpin() {
    // before: sorted to the end, the NaN stopped the EER walk from advancing forever
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                VerificationMetrics.equalErrorRate(
                    new PairDistances(new double[] {0.1, Double.NaN}, new double[] {0.5})));
    assertTrue(e.getMessage().contains("genuine pair distance 1 is NaN"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new PairDistances(new double[] {0.1}, new double[] {Double.POSITIVE_INFINITY}));
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void namesTheImageWhoseEmbeddingIsNotFinite() {
    float[][] e = {{0, 0}, {1, 0}, {Float.NaN, 0}, {0, 1}};
    IllegalArgumentException ex =
        assertThrows(
            IllegalArgumentException.class,
            () -> PairDistances.allPairs(e, new int[] {0, 0, 1, 1}));
    assertTrue(
        ex.getMessage().contains("image 2") && ex.getMessage().contains("NaN"), ex.getMessage());
    float[][] inf = {{0, 0}, {1, 0}, {0, Float.NEGATIVE_INFINITY}, {0, 1}};
    assertThrows(
        IllegalArgumentException.class, () -> PairDistances.allPairs(inf, new int[] {0, 0, 1, 1}));
  }

  @Test
  void rejectsMismatchedLabelsAndDimensions() {
    assertThrows(
        IllegalArgumentException.class,
        () -> PairDistances.allPairs(new float[][] {{0}, {1}}, new int[] {0}));
    assertThrows(
        IllegalArgumentException.class,
        () -> PairDistances.allPairs(new float[][] {{0, 0}, {1}}, new int[] {0, 1}));
  }
}
