package io.facegate.trainer.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Within-person whitening: with a weak regulariser the people's own scatter becomes isotropic; with
 * a strong one the map is centring only; degenerate and non-finite input is refused.
 */
class WhiteningTest {

  private static final int DIM = 6;
  private static final int PEOPLE = 30;
  private static final int IMAGES = 8;

  /** Each person a random centre; within-person noise with very different scales per axis. */
  private static float[][] rows(int[] labels, Random random) {
    return rows(PEOPLE, labels, random);
  }

  private static float[][] rows(int people, int[] labels, Random random) {
    float[][] rows = new float[people * IMAGES][DIM];
    double[] noise = {2.0, 0.05, 0.5, 1.0, 0.1, 0.3};
    for (int p = 0; p < people; p++) {
      double[] centre = new double[DIM];
      for (int k = 0; k < DIM; k++) {
        centre[k] = random.nextGaussian() + 3;
      }
      for (int i = 0; i < IMAGES; i++) {
        int r = p * IMAGES + i;
        labels[r] = p;
        for (int k = 0; k < DIM; k++) {
          rows[r][k] = (float) (centre[k] + noise[k] * random.nextGaussian());
        }
      }
    }
    return rows;
  }

  /** Within-person scatter of {@code rows}. */
  private static double[][] withinScatter(float[][] rows, int[] labels) {
    double[][] s = new double[DIM][DIM];
    for (int p = 0; p < rows.length / IMAGES; p++) {
      double[] m = new double[DIM];
      for (int i = 0; i < IMAGES; i++) {
        for (int k = 0; k < DIM; k++) {
          m[k] += rows[p * IMAGES + i][k] / IMAGES;
        }
      }
      for (int i = 0; i < IMAGES; i++) {
        for (int a = 0; a < DIM; a++) {
          for (int b = 0; b < DIM; b++) {
            s[a][b] += (rows[p * IMAGES + i][a] - m[a]) * (rows[p * IMAGES + i][b] - m[b]);
          }
        }
      }
    }
    return s;
  }

  @Test
  void aWeakRegulariserMakesThePeoplesOwnScatterIsotropic() {
    int[] labels = new int[PEOPLE * IMAGES];
    assertIsotropicAfterWhitening(rows(labels, new Random(3)), labels);
  }

  @Test
  void theScatterOfMoreRowsThanOneBlockIsAccumulatedWhole() {
    int people = 400; // 3,200 rows: more than one accumulation block
    int[] labels = new int[people * IMAGES];
    assertIsotropicAfterWhitening(rows(people, labels, new Random(4)), labels);
  }

  private static void assertIsotropicAfterWhitening(float[][] rows, int[] labels) {
    float[][] out = HeadStarts.apply(Whitening.fit(rows, labels).affine(1e-6), rows);
    double[][] s = withinScatter(out, labels);
    double diag = 0;
    for (int k = 0; k < DIM; k++) {
      diag += s[k][k] / DIM;
    }
    for (int a = 0; a < DIM; a++) {
      for (int b = 0; b < DIM; b++) {
        assertEquals(a == b ? 1 : 0, s[a][b] / diag, 1e-3, "scatter[" + a + "][" + b + "]");
      }
    }
    double[][] before = withinScatter(rows, labels);
    assertTrue(before[0][0] / before[1][1] > 100, "the input was far from isotropic");
  }

  @Test
  void aStrongRegulariserIsCentringOnly() {
    int[] labels = new int[PEOPLE * IMAGES];
    float[][] rows = rows(labels, new Random(5));
    ProjectionHead.Dense map = Whitening.fit(rows, labels).affine(1e9);
    float[][] out = HeadStarts.apply(map, rows);
    double[] mean = new double[DIM];
    for (float[] r : rows) {
      for (int k = 0; k < DIM; k++) {
        mean[k] += r[k] / rows.length;
      }
    }
    for (int i = 0; i < rows.length; i++) {
      for (int k = 0; k < DIM; k++) {
        assertEquals(rows[i][k] - mean[k], out[i][k], 1e-4);
      }
    }
  }

  @Test
  void degenerateOrNonFiniteInputIsRefusedWithAReason() {
    int[] labels = {0, 0, 1, 1};
    float[][] same = {{1, 0}, {1, 0}, {0, 1}, {0, 1}};
    IllegalStateException flat =
        assertThrows(IllegalStateException.class, () -> Whitening.fit(same, labels));
    assertTrue(flat.getMessage().contains("no person has two different"), flat.getMessage());

    float[][] nan = {{1, 0}, {Float.NaN, 0}, {0, 1}, {0, 0.5f}};
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Whitening.fit(nan, labels));
    assertTrue(e.getMessage().contains("non-finite"), e.getMessage());

    float[][] ok = {{1, 0}, {0.9f, 0.1f}, {0, 1}, {0.1f, 0.8f}};
    Whitening w = Whitening.fit(ok, labels);
    for (double alpha : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThrows(IllegalArgumentException.class, () -> w.affine(alpha), "alpha " + alpha);
    }
    assertThrows(IllegalArgumentException.class, () -> Whitening.fit(new float[0][], new int[0]));
  }
}
