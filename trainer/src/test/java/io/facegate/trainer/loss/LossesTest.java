package io.facegate.trainer.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class LossesTest {

  @Test
  void contrastivePullsGenuineAndPushesImpostorsInsideTheMargin() {
    try (NDManager m = NDManager.newBaseManager()) {
      // pairs: ([1,0],[0,1]) and ([1,0],[1,0]); embeddings = 2 lefts then 2 rights
      var emb = m.create(new float[] {1, 0, 1, 0, 0, 1, 1, 0}, new Shape(4, 2));
      ContrastiveLoss loss = new ContrastiveLoss(1f);
      // pair 0 impostor at d = sqrt 2 > margin -> 0; pair 1 genuine at d = 0 -> 0
      assertEquals(
          0f,
          loss.evaluate(new NDList(m.create(new float[] {0, 1})), new NDList(emb)).getFloat(),
          1e-6f);
      // pair 0 genuine: d^2 = 2; pair 1 impostor at d = 0: (1 - 0)^2 = 1; mean 1.5
      assertEquals(
          1.5f,
          loss.evaluate(new NDList(m.create(new float[] {1, 0})), new NDList(emb)).getFloat(),
          1e-5f);
    }
  }

  @Test
  void tripletUsesHardestPositiveAndNegativePerAnchor() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[][] e = {{1, 0}, {0.6f, 0.8f}, {0, 1}, {-1, 0}};
      int[] y = {0, 0, 1, 1};
      float margin = 0.3f;
      double expected = 0;
      for (int a = 0; a < 4; a++) {
        double hp = 0;
        double hn = Double.POSITIVE_INFINITY;
        for (int j = 0; j < 4; j++) {
          double d = Math.hypot(e[a][0] - e[j][0], e[a][1] - e[j][1]);
          if (j != a && y[j] == y[a]) {
            hp = Math.max(hp, d);
          } else if (y[j] != y[a]) {
            hn = Math.min(hn, d);
          }
        }
        expected += Math.max(0, hp - hn + margin);
      }
      expected /= 4;
      assertEquals(0.411, expected, 1e-3); // hand-checked: (0.562 + 1.082) / 4
      var emb = m.create(new float[] {1, 0, 0.6f, 0.8f, 0, 1, -1, 0}, new Shape(4, 2));
      float got =
          new TripletLoss(margin, TripletLoss.Mining.HARD)
              .evaluate(new NDList(m.create(new float[] {0, 0, 1, 1})), new NDList(emb))
              .getFloat();
      assertEquals(expected, got, 1e-4);
    }
  }

  @Test
  void semiHardPicksTheClosestNegativeFartherThanThePositive() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[][] e = {{1, 0}, {0.6f, 0.8f}, {0, 1}, {-0.8f, -0.6f}, {0.8f, 0.6f}, {-0.6f, 0.8f}};
      int[] y = {0, 0, 1, 1, 2, 2};
      float margin = 0.5f;
      double sum = 0;
      int pairs = 0;
      for (int a = 0; a < e.length; a++) {
        for (int p = 0; p < e.length; p++) {
          if (p == a || y[p] != y[a]) {
            continue;
          }
          double dap = dist(e[a], e[p]);
          double closestFarther = Double.POSITIVE_INFINITY;
          double farthest = 0;
          for (int n = 0; n < e.length; n++) {
            if (y[n] == y[a]) {
              continue;
            }
            double dan = dist(e[a], e[n]);
            farthest = Math.max(farthest, dan);
            if (dan > dap) {
              closestFarther = Math.min(closestFarther, dan);
            }
          }
          double chosen = Double.isInfinite(closestFarther) ? farthest : closestFarther;
          sum += Math.max(0, dap - chosen + margin);
          pairs++;
        }
      }
      double expected = sum / pairs;
      assertEquals(true, expected > 0.05, "the example has active triplets");
      float[] flat = new float[e.length * 2];
      for (int i = 0; i < e.length; i++) {
        flat[2 * i] = e[i][0];
        flat[2 * i + 1] = e[i][1];
      }
      float[] labels = {0, 0, 1, 1, 2, 2};
      float got =
          new TripletLoss(margin, TripletLoss.Mining.SEMI_HARD)
              .evaluate(new NDList(m.create(labels)), new NDList(m.create(flat, new Shape(6, 2))))
              .getFloat();
      assertEquals(expected, got, 1e-4);
      float hard =
          new TripletLoss(margin, TripletLoss.Mining.HARD)
              .evaluate(new NDList(m.create(labels)), new NDList(m.create(flat, new Shape(6, 2))))
              .getFloat();
      assertEquals(true, hard >= got, "hard mining is never easier than semi-hard here");
    }
  }

  private static double dist(float[] a, float[] b) {
    return Math.hypot(a[0] - b[0], a[1] - b[1]);
  }
}
