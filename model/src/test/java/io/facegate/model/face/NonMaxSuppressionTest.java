package io.facegate.model.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NonMaxSuppressionTest {

  @Test
  void dropsABoxOverlappingABetterOneAndKeepsADistantOne() {
    float[] boxes = {
      0, 0, 1, 1,
      0, 0.1f, 1, 1.1f, // IoU with the first 0.9 / 1.1
      2, 2, 3, 3
    };
    int[] kept = NonMaxSuppression.select(boxes, new float[] {0.9f, 0.8f, 0.7f}, 10, 0.5, 0.5);
    assertArrayEquals(new int[] {0, 2}, kept);
  }

  @Test
  void keepsBestScoreFirstWhateverTheInputOrder() {
    float[] boxes = {0, 0, 1, 1, 0, 0.1f, 1, 1.1f, 5, 5, 6, 6};
    int[] kept = NonMaxSuppression.select(boxes, new float[] {0.6f, 0.95f, 0.7f}, 10, 0.5, 0.5);
    assertArrayEquals(new int[] {1, 2}, kept);
  }

  @Test
  void keepsAnOverlapOfExactlyTheIouThreshold() {
    float[] boxes = {0, 0, 1, 2, 0, 0, 1, 1}; // inter 1, union 2
    assertEquals(0.5, NonMaxSuppression.iou(boxes, 0, 1));
    assertArrayEquals(
        new int[] {0, 1}, NonMaxSuppression.select(boxes, new float[] {0.9f, 0.8f}, 10, 0.5, 0.5));
  }

  @Test
  void aScoreEqualToTheThresholdIsNoCandidate() {
    float[] boxes = {0, 0, 1, 1, 2, 2, 3, 3};
    assertArrayEquals(
        new int[] {1}, NonMaxSuppression.select(boxes, new float[] {0.5f, 0.51f}, 10, 0.5, 0.5));
  }

  @Test
  void returnsAtMostMaxResults() {
    float[] boxes = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5};
    assertArrayEquals(
        new int[] {2, 0},
        NonMaxSuppression.select(boxes, new float[] {0.8f, 0.7f, 0.9f}, 2, 0.5, 0.5));
  }

  @Test
  void equalScoresKeepIndexOrder() {
    float[] boxes = {0, 0, 1, 1, 0, 0, 1, 1, 3, 3, 4, 4};
    assertArrayEquals(
        new int[] {0, 2},
        NonMaxSuppression.select(boxes, new float[] {0.9f, 0.9f, 0.9f}, 10, 0.5, 0.5));
  }

  @Test
  void emptyBoxesNeverSuppressEachOther() {
    float[] boxes = {0, 0, 0, 1, 0, 0, 0, 1}; // zero height
    assertArrayEquals(
        new int[] {0, 1}, NonMaxSuppression.select(boxes, new float[] {0.9f, 0.8f}, 10, 0.5, 0.5));
  }

  @Test
  void cornersInEitherOrderGiveTheSameIou() {
    float[] boxes = {0, 0, 1, 1, 1, 1.1f, 0, 0.1f};
    assertEquals(0.9 / 1.1, NonMaxSuppression.iou(boxes, 0, 1), 1e-6);
  }

  @Test
  void rejectsANanScore() {
    float[] boxes = {0, 0, 1, 1, 2, 2, 3, 3};
    assertThrows(
        IllegalArgumentException.class,
        () -> NonMaxSuppression.select(boxes, new float[] {0.9f, Float.NaN}, 10, 0.5, 0.5));
  }

  @Test
  void rejectsAnInfiniteScore() {
    float[] boxes = {0, 0, 1, 1, 2, 2, 3, 3};
    assertThrows(
        IllegalArgumentException.class,
        () ->
            NonMaxSuppression.select(
                boxes, new float[] {Float.POSITIVE_INFINITY, 0.9f}, 10, 0.5, 0.5));
  }

  @Test
  void rejectsANanCoordinateOfACandidate() {
    float[] boxes = {0, 0, 1, 1, 2, Float.NaN, 3, 3};
    assertThrows(
        IllegalArgumentException.class,
        () -> NonMaxSuppression.select(boxes, new float[] {0.9f, 0.8f}, 10, 0.5, 0.5));
  }

  @Test
  void rejectsMismatchedSizes() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            NonMaxSuppression.select(
                new float[] {0, 0, 1, 1}, new float[] {0.9f, 0.8f}, 10, 0.5, 0.5));
  }
}
