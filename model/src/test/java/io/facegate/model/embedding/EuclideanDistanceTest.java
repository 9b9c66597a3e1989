package io.facegate.model.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EuclideanDistanceTest {

  @Test
  void measuresEuclideanDistance() {
    assertEquals(
        Math.sqrt(2), EuclideanDistance.between(new float[] {1, 0}, new float[] {0, 1}), 1e-9);
    assertEquals(
        5.0, EuclideanDistance.between(new float[] {0, 0, 0}, new float[] {3, 4, 0}), 1e-9);
    assertEquals(
        0.0, EuclideanDistance.between(new float[] {0.6f, 0.8f}, new float[] {0.6f, 0.8f}), 0);
  }

  @Test
  void accumulatesInDoubleSoLargeComponentsDoNotOverflow() {
    float big = Float.MAX_VALUE;
    double d = EuclideanDistance.between(new float[] {big, big}, new float[] {-big, -big});
    assertTrue(Double.isFinite(d), "distance " + d);
  }

  @Test
  void rejectsNonFiniteComponentsNamingThem() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> EuclideanDistance.between(new float[] {1, Float.NaN}, new float[] {0, 1}));
    assertTrue(
        e.getMessage().contains("component 1") && e.getMessage().contains("NaN"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            EuclideanDistance.between(
                new float[] {1, 0}, new float[] {Float.POSITIVE_INFINITY, 1}));
    assertThrows(
        IllegalArgumentException.class,
        () -> EuclideanDistance.between(new float[] {Float.NEGATIVE_INFINITY}, new float[] {0}));
  }

  @Test
  void rejectsDifferentDimensionsAndMissingVectors() {
    assertThrows(
        IllegalArgumentException.class,
        () -> EuclideanDistance.between(new float[] {1, 0}, new float[] {1, 0, 0}));
    assertThrows(
        IllegalArgumentException.class, () -> EuclideanDistance.between(null, new float[] {1}));
  }
}
