package io.facegate.processor.core.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class IvfFlatIndexTest {

  private static final int DIM = 64;
  private static final int N = 20_000;

  private static float[] unitRows(int n, int dim, Random r) {
    float[] rows = new float[n * dim];
    for (int i = 0; i < n; i++) {
      normaliseInto(gaussian(dim, r), rows, i * dim);
    }
    return rows;
  }

  private static float[] gaussian(int dim, Random r) {
    float[] v = new float[dim];
    for (int d = 0; d < dim; d++) {
      v[d] = (float) r.nextGaussian();
    }
    return v;
  }

  private static void normaliseInto(float[] v, float[] dst, int off) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    for (int d = 0; d < v.length; d++) {
      dst[off + d] = (float) (v[d] / Math.sqrt(norm));
    }
  }

  /**
   * A probe of enrolled person {@code row}: their template plus noise of about {@code noise} norm.
   */
  private static float[] probeOf(float[] rows, int row, double noise, Random r) {
    float[] v = new float[DIM];
    for (int d = 0; d < DIM; d++) {
      v[d] = (float) (rows[row * DIM + d] + r.nextGaussian() * noise / Math.sqrt(DIM));
    }
    float[] unit = new float[DIM];
    normaliseInto(v, unit, 0);
    return unit;
  }

  @Test
  void findsTheExactNearestForAtLeast99PercentOfProbes() {
    Random r = new Random(1);
    float[] rows = unitRows(N, DIM, r);
    IvfFlatIndex index = IvfFlatIndex.build(rows, N, DIM, 128, 6, 2, 2);
    int agree = 0;
    int probes = 500;
    for (int q = 0; q < probes; q++) {
      float[] probe = probeOf(rows, r.nextInt(N), 0.5, r);
      IvfFlatIndex.Hit exact = IvfFlatIndex.exactNearest(rows, N, DIM, probe)[0];
      IvfFlatIndex.Hit approx = index.nearest(probe, 32)[0];
      if (exact.id() == approx.id()) {
        agree++;
      }
    }
    assertTrue(agree >= 0.99 * probes, "recall@1 " + agree + "/" + probes);
  }

  @Test
  void probingEveryListIsExactSearch() {
    Random r = new Random(3);
    float[] rows = unitRows(3000, DIM, r);
    IvfFlatIndex index = IvfFlatIndex.build(rows, 3000, DIM, 16, 4, 4, 1);
    for (int q = 0; q < 100; q++) {
      float[] probe = unitRows(1, DIM, r);
      IvfFlatIndex.Hit[] exact = IvfFlatIndex.exactNearest(rows, 3000, DIM, probe);
      IvfFlatIndex.Hit[] all = index.nearest(probe, index.nlist());
      assertEquals(exact[0].id(), all[0].id());
      assertEquals(exact[1].id(), all[1].id());
      assertEquals(exact[0].squaredDistance(), all[0].squaredDistance(), 1e-6f);
    }
  }

  @Test
  void addedVectorsAreFoundAndRemovedOnesAreNot() {
    Random r = new Random(5);
    float[] rows = unitRows(2000, DIM, r);
    IvfFlatIndex index = IvfFlatIndex.build(rows, 2000, DIM, 32, 4, 6, 1);
    float[] newcomer = unitRows(1, DIM, r);
    index.add(5000, newcomer);
    assertEquals(2001, index.size());
    assertEquals(5000, index.nearest(newcomer, 1)[0].id());

    assertTrue(index.remove(5000, newcomer));
    assertFalse(index.remove(5000, newcomer));
    assertEquals(2000, index.size());
    assertTrue(index.nearest(newcomer, 32)[0].id() != 5000);
  }

  @Test
  void emptyAndTinyIndexesAnswerSensibly() {
    IvfFlatIndex empty = IvfFlatIndex.build(new float[0], 0, DIM, 8, 3, 1, 1);
    assertEquals(0, empty.nearest(new float[DIM], 4).length);
    float[] one = unitRows(1, DIM, new Random(7));
    IvfFlatIndex single = IvfFlatIndex.build(one, 1, DIM, 8, 3, 1, 1);
    IvfFlatIndex.Hit[] hits = single.nearest(one, 4);
    assertEquals(1, hits.length);
    assertEquals(0, hits[0].id());
    assertEquals(0f, hits[0].squaredDistance(), 1e-6f);
  }

  @Test
  void squaredDistanceMatchesTheDoubleReference() {
    Random r = new Random(9);
    for (int dim : new int[] {1, 3, 4, 7, 128, 130}) {
      float[] a = gaussian(dim, r);
      float[] b = gaussian(dim, r);
      double ref = 0;
      for (int d = 0; d < dim; d++) {
        ref += ((double) a[d] - b[d]) * ((double) a[d] - b[d]);
      }
      assertEquals(ref, IvfFlatIndex.squaredDistance(a, 0, b, 0, dim), 1e-4 * Math.max(1, ref));
    }
    assertArrayEquals(new float[0], new float[0]);
  }
}
