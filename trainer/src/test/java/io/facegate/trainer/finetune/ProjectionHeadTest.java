package io.facegate.trainer.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.embedding.EuclideanDistance;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The head starts where the backbone is, so fine-tuning cannot start worse than it. */
class ProjectionHeadTest {

  private static float[][] unitRows(int n, int dim, long seed) {
    Random random = new Random(seed);
    float[][] rows = new float[n][dim];
    for (float[] row : rows) {
      double norm = 0;
      for (int k = 0; k < dim; k++) {
        row[k] = (float) random.nextGaussian();
        norm += row[k] * row[k];
      }
      for (int k = 0; k < dim; k++) {
        row[k] /= (float) Math.sqrt(norm);
      }
    }
    return rows;
  }

  private static double maxAbsDiff(float[][] a, float[][] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      assertEquals(a[i].length, b[i].length);
      for (int k = 0; k < a[i].length; k++) {
        max = Math.max(max, Math.abs(a[i][k] - b[i][k]));
      }
    }
    return max;
  }

  @Test
  void aFullWidthHeadStartsAsTheIdentity() {
    float[][] rows = unitRows(20, 24, 1);
    for (FinetuneOptions.HeadKind kind : FinetuneOptions.HeadKind.values()) {
      try (ProjectionHead head = ProjectionHead.create(kind, 24, 24, null)) {
        assertTrue(maxAbsDiff(rows, head.embed(rows)) < 1e-6, kind + " starts as the raw backbone");
      }
    }
  }

  @Test
  void aNarrowHeadStartsAsTheProjectionOntoTheDataSubspace() {
    // 16-d embeddings that really live in a 4-d subspace: projecting keeps every distance
    Random random = new Random(2);
    float[][] basis = ProjectionBasis.top(unitRows(40, 16, 3), 4, 9);
    float[][] rows = new float[30][16];
    for (float[] row : rows) {
      double norm = 0;
      for (int b = 0; b < 4; b++) {
        float c = (float) random.nextGaussian();
        for (int k = 0; k < 16; k++) {
          row[k] += c * basis[b][k];
        }
      }
      for (float v : row) {
        norm += v * v;
      }
      for (int k = 0; k < 16; k++) {
        row[k] /= (float) Math.sqrt(norm);
      }
    }
    float[][] fitted = ProjectionBasis.top(rows, 4, 5);
    for (FinetuneOptions.HeadKind kind : FinetuneOptions.HeadKind.values()) {
      try (ProjectionHead head =
          ProjectionHead.create(kind, 16, 4, HeadStarts.project(fitted, HeadStarts.identity(16)))) {
        float[][] out = head.embed(rows);
        assertEquals(4, out[0].length);
        for (int i = 0; i < rows.length; i++) {
          for (int j = i + 1; j < rows.length; j++) {
            assertEquals(
                EuclideanDistance.between(rows[i], rows[j]),
                EuclideanDistance.between(out[i], out[j]),
                1e-4,
                kind + " keeps distance " + i + "," + j);
          }
        }
      }
    }
  }

  @Test
  void bothHeadKindsStartAsExactlyTheGivenAffineMap() {
    Random random = new Random(7);
    float[] w = new float[6 * 10];
    float[] b = new float[6];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) random.nextGaussian();
    }
    ProjectionHead.Dense map = new ProjectionHead.Dense(10, 6, w, b, false);
    float[][] rows = unitRows(12, 10, 8);
    float[][] expected = HeadStarts.apply(map, rows);
    for (float[] e : expected) {
      double n = 0;
      for (float v : e) {
        n += v * v;
      }
      for (int k = 0; k < e.length; k++) {
        e[k] /= (float) Math.sqrt(n);
      }
    }
    for (FinetuneOptions.HeadKind kind : FinetuneOptions.HeadKind.values()) {
      try (ProjectionHead head = ProjectionHead.create(kind, 10, 6, map)) {
        assertTrue(maxAbsDiff(expected, head.embed(rows)) < 1e-5, kind + " starts as L2(A x + c)");
      }
    }
  }

  @Test
  void aStartMapOfTheWrongShapeIsRefused() {
    ProjectionHead.Dense map = HeadStarts.identity(8);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProjectionHead.create(FinetuneOptions.HeadKind.LINEAR, 10, 8, map));
    assertTrue(e.getMessage().contains("8 x 8"), e.getMessage());
  }
}
