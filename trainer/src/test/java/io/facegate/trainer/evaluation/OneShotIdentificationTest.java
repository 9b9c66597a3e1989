package io.facegate.trainer.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OneShotIdentificationTest {

  @Test
  void perfectWhenPeopleFormTightSeparateClusters() {
    float[][] emb = {{0, 0}, {0, 0.1f}, {0, 0.2f}, {5, 5}, {5, 5.1f}, {5, 5.2f}};
    int[] labels = {0, 0, 0, 1, 1, 1};
    assertEquals(1.0, OneShotIdentification.accuracy(emb, labels, 5, 1), 1e-12);
  }

  @Test
  void chanceWhenEveryoneLooksAlike() {
    // person 1's probe is always nearer person 0's enrolment (distance 0 ties go to the first)
    float[][] emb = {{0, 0}, {0, 0}, {0, 0}, {0, 0}};
    int[] labels = {0, 0, 1, 1};
    assertEquals(0.5, OneShotIdentification.accuracy(emb, labels, 3, 1), 1e-12);
  }

  @Test
  void rejectsANonFiniteEmbeddingInsteadOfFailingOnAnIndex() {
    // a NaN compared false with every distance, left no nearest person and failed with an index
    // error
    float[][] emb = {{0, 0}, {0, 0.1f}, {1, 1}, {Float.NaN, 1}};
    assertThrows(
        IllegalArgumentException.class,
        () -> OneShotIdentification.accuracy(emb, new int[] {0, 0, 1, 1}, 3, 1));
  }
}
