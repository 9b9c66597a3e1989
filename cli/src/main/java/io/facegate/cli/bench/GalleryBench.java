package io.facegate.cli.bench;

import io.facegate.cli.replay.LatencySummary;
import io.facegate.processor.core.embedding.Gallery;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * 1:N search at scale: synthetic random unit vectors as enrolled templates, probes that are noisy
 * copies of enrolled templates (a returning person), measured through the processor's own {@link
 * Gallery}: its exact scan against its approximate-index search; per-probe latency percentiles,
 * recall@1 of the index path against exact search, and memory per template.
 */
public final class GalleryBench {

  /**
   * The figures for one gallery size.
   *
   * @param templates enrolled templates
   * @param dim embedding dimension
   * @param exactMs exact search latency per probe (nearest-rank percentiles, ms)
   * @param ivfMs index latency per probe (nearest-rank percentiles, ms)
   * @param nlist index lists
   * @param nprobe lists probed
   * @param recallAt1 share of probes whose index answer is the exact answer
   * @param probeNoise norm of the noise added to a template to make its probe
   * @param buildSeconds time to build the index
   * @param exactBytesPerTemplate bytes per template of the exact search's array (floats only)
   * @param ivfBytesPerTemplate bytes per template of the index (lists, ids, centroids, spare
   *     capacity)
   */
  public record Result(
      int templates,
      int dim,
      LatencySummary exactMs,
      LatencySummary ivfMs,
      int nlist,
      int nprobe,
      double recallAt1,
      double probeNoise,
      double buildSeconds,
      double exactBytesPerTemplate,
      double ivfBytesPerTemplate) {

    /**
     * @return the figures as JSON-ready fields
     */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("templates", templates);
      m.put("dim", dim);
      m.put("exact_ms", exactMs);
      m.put("ivf_ms", ivfMs);
      m.put("nlist", nlist);
      m.put("nprobe", nprobe);
      m.put("recall_at_1", recallAt1);
      m.put("probe_noise", probeNoise);
      m.put("build_seconds", buildSeconds);
      m.put("exact_bytes_per_template", exactBytesPerTemplate);
      m.put("ivf_bytes_per_template", ivfBytesPerTemplate);
      return m;
    }
  }

  private GalleryBench() {}

  /**
   * Runs one gallery size through {@link Gallery}, the class the processor searches with: enrols
   * {@code n} templates (the index is built when the last one arrives), searches every probe
   * exactly once ({@link Gallery#nearestExact}), then as the processor does ({@link
   * Gallery#nearest(float[], int)}) at each {@code nprobe}.
   *
   * @param n templates
   * @param probes probes to time (each also searched exactly, for recall)
   * @param nprobes lists to probe, one result each; the index has about {@code sqrt(n)} lists
   * @param noise norm of the probe noise (0.5: a clearly genuine distance for unit embeddings)
   * @param threads threads for building the index
   */
  public static List<Result> run(
      int n,
      int dim,
      int probes,
      List<Integer> nprobes,
      double noise,
      long seed,
      int threads,
      PrintWriter out) {
    Random random = new Random(seed);
    int maxNprobe = nprobes.stream().mapToInt(Integer::intValue).max().orElse(1);
    // the threshold is the gallery size: one index build, when the last template arrives
    Gallery gallery =
        new Gallery("bench", dim, new Gallery.IndexSettings(Math.max(2, n), maxNprobe, threads));
    float[] v = new float[dim];
    for (int i = 0; i < n - 1; i++) {
      gaussianUnit(v, random);
      gallery.put(id(i), v, "bench");
    }
    long t0 = System.nanoTime();
    gaussianUnit(v, random);
    gallery.put(id(n - 1), v, "bench");
    try {
      if (!gallery.awaitIndexIdle(Duration.ofHours(1))) {
        throw new IllegalStateException("the gallery index was not built within an hour");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the gallery index was built", e);
    }
    double buildSeconds = (System.nanoTime() - t0) / 1e9;
    if (gallery.searchMode() != Gallery.SearchMode.INDEX) {
      throw new IllegalStateException("the gallery of " + n + " does not search through its index");
    }
    List<float[]> queries = new ArrayList<>(probes);
    for (int q = 0; q < probes; q++) {
      queries.add(probeOf(gallery.lookup(id(random.nextInt(n))).template(), noise, random));
    }
    // warm the paths up so that the JIT has compiled them before timing
    for (int q = 0; q < Math.min(30, probes); q++) {
      gallery.nearestExact(queries.get(q));
      gallery.nearest(queries.get(q), nprobes.get(0));
    }
    double[] exact = new double[probes];
    String[] truth = new String[probes];
    for (int q = 0; q < probes; q++) {
      long a = System.nanoTime();
      truth[q] = gallery.nearestExact(queries.get(q)).orElseThrow().identity();
      exact[q] = (System.nanoTime() - a) / 1e6;
    }
    LatencySummary exactP = LatencySummary.of(exact);
    List<Result> results = new ArrayList<>();
    for (int nprobe : nprobes) {
      double[] ivf = new double[probes];
      int agree = 0;
      for (int q = 0; q < probes; q++) {
        long b = System.nanoTime();
        Gallery.Nearest h = gallery.nearest(queries.get(q), nprobe).orElseThrow();
        ivf[q] = (System.nanoTime() - b) / 1e6;
        if (h.identity().equals(truth[q])) {
          agree++;
        }
      }
      Result r =
          new Result(
              n,
              dim,
              exactP,
              LatencySummary.of(ivf),
              gallery.indexCells(),
              nprobe,
              (double) agree / probes,
              noise,
              buildSeconds,
              (double) dim * Float.BYTES,
              (double) gallery.indexBytes() / Math.max(1, n));
      results.add(r);
      if (out != null) {
        out.printf(
            "gallery %,d x %d: exact p50/p95/p99 %.2f/%.2f/%.2f ms; IVF (nlist %d, nprobe %d) "
                + "%.2f/%.2f/%.2f ms, recall@1 %.4f, built in %.1f s; %.0f B/template exact floats, "
                + "%.0f B/template index%n",
            n,
            dim,
            r.exactMs().p50(),
            r.exactMs().p95(),
            r.exactMs().p99(),
            r.nlist(),
            nprobe,
            r.ivfMs().p50(),
            r.ivfMs().p95(),
            r.ivfMs().p99(),
            r.recallAt1(),
            buildSeconds,
            r.exactBytesPerTemplate(),
            r.ivfBytesPerTemplate());
        out.flush();
      }
    }
    return results;
  }

  private static String id(int i) {
    return "person-" + i;
  }

  private static void gaussianUnit(float[] v, Random random) {
    double norm = 0;
    for (int d = 0; d < v.length; d++) {
      v[d] = (float) random.nextGaussian();
      norm += v[d] * v[d];
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int d = 0; d < v.length; d++) {
      v[d] *= inv;
    }
  }

  private static float[] probeOf(float[] template, double noise, Random random) {
    int dim = template.length;
    float[] p = new float[dim];
    double norm = 0;
    for (int d = 0; d < dim; d++) {
      p[d] = (float) (template[d] + random.nextGaussian() * noise / Math.sqrt(dim));
      norm += p[d] * p[d];
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int d = 0; d < dim; d++) {
      p[d] *= inv;
    }
    return p;
  }
}
