package io.facegate.processor.core.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.embedding.EuclideanDistance;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GalleryTest {
  private static final String V1 = "v1";

  private static float[] unit(double angle) {
    return new float[] {(float) Math.cos(angle), (float) Math.sin(angle)};
  }

  @Test
  void nearestReturnsClosestAndRunnerUp() {
    Gallery g = new Gallery(V1, 2);
    g.put("a", unit(0), V1);
    g.put("b", unit(1.0), V1);
    g.put("c", unit(2.0), V1);
    Gallery.Nearest n = g.nearest(unit(0.9)).orElseThrow();
    assertEquals("b", n.identity());
    assertEquals(Optional.of("a"), n.runnerUpIdentity());
    assertEquals(2 * Math.sin(0.05), n.distance(), 1e-6);
    assertEquals(2 * Math.sin(0.45), n.runnerUpDistance(), 1e-6);
  }

  @Test
  void nearestWithOneTemplateHasNoRunnerUp() {
    Gallery g = new Gallery(V1, 2);
    g.put("a", unit(0), V1);
    Gallery.Nearest n = g.nearest(unit(0)).orElseThrow();
    assertTrue(n.runnerUpIdentity().isEmpty());
    assertTrue(Double.isNaN(n.runnerUpDistance()));
  }

  @Test
  void emptyGalleryFindsNothing() {
    assertTrue(new Gallery(V1, 2).nearest(unit(0)).isEmpty());
  }

  @Test
  void storesTemplatesNormalisedAndReplacesOnSecondPut() {
    Gallery g = new Gallery(V1, 2);
    g.put("a", new float[] {3, 4}, V1);
    assertArrayEquals(new float[] {0.6f, 0.8f}, g.lookup("a").template(), 1e-6f);
    g.put("a", new float[] {0, 5}, V1);
    assertEquals(1, g.size());
    assertArrayEquals(new float[] {0, 1}, g.lookup("a").template(), 1e-6f);
  }

  @Test
  void removeKeepsOtherRowsFindable() {
    Gallery g = new Gallery(V1, 2);
    g.put("a", unit(0), V1);
    g.put("b", unit(1), V1);
    g.put("c", unit(2), V1);
    assertTrue(g.remove("a"));
    assertFalse(g.remove("a"));
    assertEquals(2, g.size());
    assertEquals(Gallery.Status.ABSENT, g.lookup("a").status());
    assertEquals("c", g.nearest(unit(2)).orElseThrow().identity());
    assertEquals("b", g.nearest(unit(1)).orElseThrow().identity());
  }

  @Test
  void templateOfOtherModelVersionIsSetAsideNotCompared() {
    Gallery g = new Gallery(V1, 2);
    assertEquals(Gallery.PutOutcome.OTHER_MODEL_VERSION, g.put("old", unit(0), "v0"));
    assertEquals(0, g.size());
    assertEquals(1, g.setAsideCount());
    assertEquals(Gallery.Status.OTHER_MODEL_VERSION, g.lookup("old").status());
    assertTrue(g.nearest(unit(0)).isEmpty());
  }

  @Test
  void reEnrolmentWithCurrentVersionReplacesSetAsideEntry() {
    Gallery g = new Gallery(V1, 2);
    g.put("p", unit(0), "v0");
    g.put("p", unit(0), V1);
    assertEquals(Gallery.Status.PRESENT, g.lookup("p").status());
    assertEquals(0, g.setAsideCount());
  }

  @Test
  void nanOrWrongDimensionTemplateIsSetAsideAsInvalid() {
    Gallery g = new Gallery(V1, 2);
    assertEquals(Gallery.PutOutcome.INVALID, g.put("nan", new float[] {Float.NaN, 1}, V1));
    assertEquals(Gallery.PutOutcome.INVALID, g.put("dim", new float[] {1, 0, 0}, V1));
    assertEquals(Gallery.Status.INVALID, g.lookup("nan").status());
    assertEquals(Gallery.Status.INVALID, g.lookup("dim").status());
    assertEquals(0, g.size());
  }

  @Test
  void nearestRejectsInvalidProbe() {
    Gallery g = new Gallery(V1, 2);
    g.put("a", unit(0), V1);
    assertThrows(InvalidEmbeddingException.class, () -> g.nearest(new float[] {Float.NaN, 0}));
    assertThrows(InvalidEmbeddingException.class, () -> g.nearest(new float[] {1, 0, 0}));
  }

  @Test
  void linearScanAgreesWithBruteForceAfterGrowthAndRemovals() {
    Random rnd = new Random(7);
    int dim = 8;
    Gallery g = new Gallery(V1, dim);
    float[][] all = new float[100][];
    for (int i = 0; i < all.length; i++) {
      all[i] = new float[dim];
      for (int k = 0; k < dim; k++) {
        all[i][k] = (float) rnd.nextGaussian();
      }
      g.put("p" + i, all[i], V1);
    }
    for (int i = 0; i < all.length; i += 3) {
      g.remove("p" + i);
    }
    for (int q = 0; q < 20; q++) {
      float[] probe = Vectors.l2Normalised(all[rnd.nextInt(all.length)].clone(), dim);
      probe[0] += 0.05f;
      String best = null;
      double bestD = Double.MAX_VALUE;
      for (int i = 0; i < all.length; i++) {
        if (i % 3 == 0) {
          continue;
        }
        double d = EuclideanDistance.between(probe, Vectors.l2Normalised(all[i], dim));
        if (d < bestD) {
          bestD = d;
          best = "p" + i;
        }
      }
      Gallery.Nearest n = g.nearest(probe).orElseThrow();
      assertEquals(best, n.identity());
      assertEquals(bestD, n.distance(), 1e-5);
    }
  }

  @Test
  void markInvalidReplacesComparableTemplateAndClearForgetsEveryone() {
    Gallery g = new Gallery(V1, 2);
    g.put("a", unit(0), V1);
    g.put("b", unit(1), V1);
    g.markInvalid("a", "unreadable bytes");
    assertEquals(Gallery.Status.INVALID, g.lookup("a").status());
    assertEquals(1, g.size());
    g.clear();
    assertEquals(0, g.size());
    assertEquals(0, g.setAsideCount());
    assertEquals(Gallery.Status.ABSENT, g.lookup("b").status());
    g.put("c", unit(2), V1);
    assertEquals("c", g.nearest(unit(2)).orElseThrow().identity());
  }
}
