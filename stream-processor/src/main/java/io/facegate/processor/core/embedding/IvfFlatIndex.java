package io.facegate.processor.core.embedding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Approximate 1:N search for large galleries: an inverted-file index with flat (uncompressed)
 * lists, "IVF-flat". The vectors are partitioned by their nearest of {@code nlist} k-means
 * centroids; a probe is compared with every centroid and then, exactly, with the vectors of its
 * {@code nprobe} nearest lists only. Each list is one contiguous {@code float[]}, so a probe reads
 * about {@code nprobe / nlist} of the gallery sequentially.
 *
 * <p>Why not a graph index (HNSW): building one over a million 128-d vectors costs minutes of CPU
 * on a small machine, and every enrolment must insert into the graph; IVF builds in seconds and
 * adds or removes a template in O(nlist + list length). Recall is a function of {@code nprobe} and
 * is measured against {@link #exactNearest} (tests and {@code facegate bench --gallery}).
 *
 * <p>Not thread-safe for writes: one writer at a time, readers must not overlap writes (the
 * gallery's read-write lock provides that).
 */
public final class IvfFlatIndex {

  /**
   * One search result.
   *
   * @param id the vector's id as given to {@link #build} or {@link #add}
   * @param squaredDistance squared Euclidean distance to the probe
   */
  public record Hit(int id, float squaredDistance) {}

  private final int dim;
  private final int nlist;
  private final float[] centroids;
  private final float[][] lists;
  private final int[][] listIds;
  private final int[] listSizes;
  private int size;

  private IvfFlatIndex(int dim, float[] centroids) {
    this.dim = dim;
    this.nlist = centroids.length / dim;
    this.centroids = centroids;
    this.lists = new float[nlist][];
    this.listIds = new int[nlist][];
    this.listSizes = new int[nlist];
    for (int c = 0; c < nlist; c++) {
      lists[c] = new float[8 * dim];
      listIds[c] = new int[8];
    }
  }

  /**
   * Trains {@code nlist} centroids with k-means on a sample of {@code rows} and files every row.
   *
   * @param rows {@code n} vectors of {@code dim} floats, row-major; row {@code i} gets id {@code i}
   * @param iterations k-means iterations (5-10 is plenty for search)
   * @param seed for the sample and the initial centroids
   * @param threads worker threads for training and filing
   */
  public static IvfFlatIndex build(
      float[] rows, int n, int dim, int nlist, int iterations, long seed, int threads) {
    if (dim <= 0 || n < 0 || rows.length < (long) n * dim) {
      throw new IllegalArgumentException("rows must hold n * dim floats");
    }
    if (nlist < 1 || iterations < 0 || threads < 1) {
      throw new IllegalArgumentException("nlist, threads must be >= 1 and iterations >= 0");
    }
    int k = Math.max(1, Math.min(nlist, n));
    Random random = new Random(seed);
    int sampleSize = Math.min(n, Math.max(k * 40, 1));
    int[] sample = sampleIndices(n, sampleSize, random);
    float[] centroids = new float[k * dim];
    for (int c = 0; c < k && n > 0; c++) {
      System.arraycopy(rows, sample[c % sample.length] * dim, centroids, c * dim, dim);
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "ivf-build");
              t.setDaemon(true);
              return t;
            });
    try {
      float[] sampleRows = new float[sample.length * dim];
      for (int i = 0; i < sample.length; i++) {
        System.arraycopy(rows, sample[i] * dim, sampleRows, i * dim, dim);
      }
      for (int it = 0; it < iterations && n > 0; it++) {
        int[] assign = assignAll(pool, threads, sampleRows, sample.length, centroids, k, dim);
        float[] sums = new float[k * dim];
        int[] counts = new int[k];
        for (int i = 0; i < sample.length; i++) {
          int c = assign[i];
          counts[c]++;
          for (int d = 0; d < dim; d++) {
            sums[c * dim + d] += sampleRows[i * dim + d];
          }
        }
        for (int c = 0; c < k; c++) {
          if (counts[c] == 0) {
            // an empty cell takes a random sample point, so that no list stays useless
            System.arraycopy(
                sampleRows, random.nextInt(sample.length) * dim, centroids, c * dim, dim);
          } else {
            for (int d = 0; d < dim; d++) {
              centroids[c * dim + d] = sums[c * dim + d] / counts[c];
            }
          }
        }
      }
      IvfFlatIndex index = new IvfFlatIndex(dim, centroids);
      int[] assign = assignAll(pool, threads, rows, n, centroids, k, dim);
      for (int i = 0; i < n; i++) {
        index.append(assign[i], i, rows, i * dim);
      }
      return index;
    } finally {
      pool.shutdownNow();
    }
  }

  private static int[] sampleIndices(int n, int m, Random random) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    for (int i = 0; i < m; i++) {
      int j = i + random.nextInt(n - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return Arrays.copyOf(all, m);
  }

  private static int[] assignAll(
      ExecutorService pool, int threads, float[] rows, int n, float[] centroids, int k, int dim) {
    int[] assign = new int[n];
    int chunk = (n + threads - 1) / Math.max(1, threads);
    List<Future<?>> jobs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int from = t * chunk;
      int to = Math.min(n, from + chunk);
      jobs.add(
          pool.submit(
              () -> {
                for (int i = from; i < to; i++) {
                  assign[i] = nearestCentroid(rows, i * dim, centroids, k, dim);
                }
              }));
    }
    for (Future<?> f : jobs) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while building the index", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("building the index failed", e.getCause());
      }
    }
    return assign;
  }

  private static int nearestCentroid(float[] v, int off, float[] centroids, int k, int dim) {
    int best = 0;
    float bestSq = Float.POSITIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      float sq = squaredDistance(v, off, centroids, c * dim, dim);
      if (sq < bestSq) {
        bestSq = sq;
        best = c;
      }
    }
    return best;
  }

  /**
   * Squared Euclidean distance with four independent accumulators: the JIT pipelines them, about
   * four times faster than one running sum (which waits for every add).
   */
  static float squaredDistance(float[] a, int aOff, float[] b, int bOff, int dim) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < dim; i += 4) {
      float d0 = a[aOff + i] - b[bOff + i];
      float d1 = a[aOff + i + 1] - b[bOff + i + 1];
      float d2 = a[aOff + i + 2] - b[bOff + i + 2];
      float d3 = a[aOff + i + 3] - b[bOff + i + 3];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (; i < dim; i++) {
      float d = a[aOff + i] - b[bOff + i];
      s0 += d * d;
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Files vector {@code v} under {@code id}; ids must be unique (remove the old one first). */
  public void add(int id, float[] v) {
    if (v.length != dim) {
      throw new IllegalArgumentException("vector of " + v.length + " floats, index dim " + dim);
    }
    append(nearestCentroid(v, 0, centroids, nlist, dim), id, v, 0);
  }

  private void append(int c, int id, float[] src, int off) {
    int s = listSizes[c];
    if (s == listIds[c].length) {
      listIds[c] = Arrays.copyOf(listIds[c], s * 2);
      lists[c] = Arrays.copyOf(lists[c], s * 2 * dim);
    }
    System.arraycopy(src, off, lists[c], s * dim, dim);
    listIds[c][s] = id;
    listSizes[c] = s + 1;
    size++;
  }

  /**
   * Removes the vector filed under {@code id}, given the vector (it names the list to look in).
   *
   * @return whether it was found
   */
  public boolean remove(int id, float[] v) {
    int c = nearestCentroid(v, 0, centroids, nlist, dim);
    int s = listSizes[c];
    int[] ids = listIds[c];
    for (int i = 0; i < s; i++) {
      if (ids[i] == id) {
        int last = s - 1;
        System.arraycopy(lists[c], last * dim, lists[c], i * dim, dim);
        ids[i] = ids[last];
        listSizes[c] = last;
        size--;
        return true;
      }
    }
    return false;
  }

  /** Number of vectors filed. */
  public int size() {
    return size;
  }

  public int nlist() {
    return nlist;
  }

  /** Bytes held by the index's arrays (lists with their spare capacity, ids, centroids). */
  public long bytes() {
    long b = (long) centroids.length * Float.BYTES;
    for (int c = 0; c < nlist; c++) {
      b += (long) lists[c].length * Float.BYTES + (long) listIds[c].length * Integer.BYTES;
    }
    return b;
  }

  /**
   * The (at most) two nearest vectors among the {@code nprobe} lists nearest to {@code probe},
   * nearest first.
   */
  public Hit[] nearest(float[] probe, int nprobe) {
    if (probe.length != dim) {
      throw new IllegalArgumentException("probe of " + probe.length + " floats, index dim " + dim);
    }
    int p = Math.max(1, Math.min(nprobe, nlist));
    // the p nearest centroids, by a partial insertion sort (p is small)
    int[] order = new int[p];
    float[] orderSq = new float[p];
    Arrays.fill(orderSq, Float.POSITIVE_INFINITY);
    for (int c = 0; c < nlist; c++) {
      float sq = squaredDistance(probe, 0, centroids, c * dim, dim);
      if (sq < orderSq[p - 1]) {
        int j = p - 1;
        while (j > 0 && orderSq[j - 1] > sq) {
          orderSq[j] = orderSq[j - 1];
          order[j] = order[j - 1];
          j--;
        }
        orderSq[j] = sq;
        order[j] = c;
      }
    }
    int best = -1;
    int second = -1;
    float bestSq = Float.POSITIVE_INFINITY;
    float secondSq = Float.POSITIVE_INFINITY;
    for (int j = 0; j < p; j++) {
      int c = order[j];
      float[] list = lists[c];
      int[] ids = listIds[c];
      for (int i = 0, s = listSizes[c]; i < s; i++) {
        float sq = squaredDistance(probe, 0, list, i * dim, dim);
        if (sq < secondSq) {
          if (sq < bestSq) {
            second = best;
            secondSq = bestSq;
            best = ids[i];
            bestSq = sq;
          } else {
            second = ids[i];
            secondSq = sq;
          }
        }
      }
    }
    return hits(best, bestSq, second, secondSq);
  }

  /**
   * Exact search over {@code n} rows: the (at most) two nearest, nearest first; the reference for
   * recall.
   */
  public static Hit[] exactNearest(float[] rows, int n, int dim, float[] probe) {
    int best = -1;
    int second = -1;
    float bestSq = Float.POSITIVE_INFINITY;
    float secondSq = Float.POSITIVE_INFINITY;
    for (int r = 0; r < n; r++) {
      float sq = squaredDistance(probe, 0, rows, r * dim, dim);
      if (sq < secondSq) {
        if (sq < bestSq) {
          second = best;
          secondSq = bestSq;
          best = r;
          bestSq = sq;
        } else {
          second = r;
          secondSq = sq;
        }
      }
    }
    return hits(best, bestSq, second, secondSq);
  }

  private static Hit[] hits(int best, float bestSq, int second, float secondSq) {
    if (best < 0) {
      return new Hit[0];
    }
    return second < 0
        ? new Hit[] {new Hit(best, bestSq)}
        : new Hit[] {new Hit(best, bestSq), new Hit(second, secondSq)};
  }
}
