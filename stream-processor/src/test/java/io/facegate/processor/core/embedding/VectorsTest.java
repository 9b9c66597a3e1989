package io.facegate.processor.core.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class VectorsTest {
  @Test
  void normalisesToUnitLengthKeepingDirection() {
    float[] unit = Vectors.l2Normalised(new float[] {3f, 4f}, 2);
    assertArrayEquals(new float[] {0.6f, 0.8f}, unit, 1e-6f);
    assertEquals(1.0, Vectors.norm(unit), 1e-6);
  }

  @Test
  void rejectsNanInfiniteZeroAndWrongDimension() {
    assertThrows(
        InvalidEmbeddingException.class,
        () -> Vectors.l2Normalised(new float[] {Float.NaN, 1f}, 2));
    assertThrows(
        InvalidEmbeddingException.class,
        () -> Vectors.l2Normalised(new float[] {Float.POSITIVE_INFINITY, 1f}, 2));
    assertThrows(
        InvalidEmbeddingException.class, () -> Vectors.l2Normalised(new float[] {0f, 0f}, 2));
    assertThrows(
        InvalidEmbeddingException.class, () -> Vectors.l2Normalised(new float[] {1f, 0f, 0f}, 2));
    assertThrows(InvalidEmbeddingException.class, () -> Vectors.requireValid(null, 2));
  }

  @Test
  void templateIsNormalisedMeanWhereEachImageCountsTheSame() {
    // the long vector must not dominate: both directions get equal weight after normalising
    float[] t = Vectors.normalisedMean(List.of(new float[] {10f, 0f}, new float[] {0f, 1f}), 2);
    float h = (float) Math.sqrt(0.5);
    assertArrayEquals(new float[] {h, h}, t, 1e-6f);
  }

  @Test
  void templateFromOneImageIsThatImageNormalised() {
    assertArrayEquals(
        new float[] {0.6f, 0.8f}, Vectors.normalisedMean(List.of(new float[] {3f, 4f}), 2), 1e-6f);
  }

  @Test
  void templateRejectsEmptyListInvalidMemberAndCancellingVectors() {
    assertThrows(InvalidEmbeddingException.class, () -> Vectors.normalisedMean(List.of(), 2));
    InvalidEmbeddingException e =
        assertThrows(
            InvalidEmbeddingException.class,
            () ->
                Vectors.normalisedMean(List.of(new float[] {1, 0}, new float[] {Float.NaN, 0}), 2));
    assertEquals(true, e.getMessage().startsWith("embedding 1:"), e.getMessage());
    assertThrows(
        InvalidEmbeddingException.class,
        () -> Vectors.normalisedMean(List.of(new float[] {1, 0}, new float[] {-1, 0}), 2));
  }
}
