package io.facegate.cli.bench;

import io.facegate.cli.replay.LatencySummary;
import io.facegate.processor.core.embedding.IvfFlatIndex;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * 1:N search at scale: synthetic random unit vectors as enrolled templates, probes that are noisy
 * copies of enrolled templates (a returning person), exact search over one contiguous
 * {@code float[]} against {@link IvfFlatIndex}; per-probe latency percentiles, recall@1 of the
 * index against exact search, and memory per template.
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
     * @param ivfBytesPerTemplate bytes per template of the index (lists, ids, centroids, spare capacity)
     */
    public record Result(int templates, int dim, LatencySummary exactMs, LatencySummary ivfMs, int nlist, int nprobe,
                         double recallAt1, double probeNoise, double buildSeconds,
                         double exactBytesPerTemplate, double ivfBytesPerTemplate) {

        /** @return the figures as JSON-ready fields */
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

    private GalleryBench() {
    }

    /**
     * Runs one gallery size: builds it and the index once, searches every probe exactly once, then
     * with the index at each {@code nprobe}.
     *
     * @param n templates
     * @param probes probes to time (each also searched exactly, for recall)
     * @param nprobes lists to probe, one result each; the index has about {@code sqrt(n)} lists
     * @param noise norm of the probe noise (0.5: a clearly genuine distance for unit embeddings)
     * @param threads threads for building the index
     */
    public static List<Result> run(int n, int dim, int probes, List<Integer> nprobes, double noise, long seed,
                                   int threads, PrintWriter out) {
        Random random = new Random(seed);
        float[] rows = new float[n * dim];
        float[] v = new float[dim];
        for (int i = 0; i < n; i++) {
            gaussianUnit(v, random);
            System.arraycopy(v, 0, rows, i * dim, dim);
        }
        int nlist = Math.max(1, (int) Math.round(Math.sqrt(n)));
        long t0 = System.nanoTime();
        IvfFlatIndex index = IvfFlatIndex.build(rows, n, dim, nlist, 6, seed, threads);
        double buildSeconds = (System.nanoTime() - t0) / 1e9;
        List<float[]> queries = new ArrayList<>(probes);
        for (int q = 0; q < probes; q++) {
            queries.add(probeOf(rows, random.nextInt(n), dim, noise, random));
        }
        // warm the paths up so that the JIT has compiled them before timing
        for (int q = 0; q < Math.min(30, probes); q++) {
            IvfFlatIndex.exactNearest(rows, n, dim, queries.get(q));
            index.nearest(queries.get(q), nprobes.get(0));
        }
        double[] exact = new double[probes];
        int[] truth = new int[probes];
        for (int q = 0; q < probes; q++) {
            long a = System.nanoTime();
            truth[q] = IvfFlatIndex.exactNearest(rows, n, dim, queries.get(q))[0].id();
            exact[q] = (System.nanoTime() - a) / 1e6;
        }
        LatencySummary exactP = LatencySummary.of(exact);
        List<Result> results = new ArrayList<>();
        for (int nprobe : nprobes) {
            double[] ivf = new double[probes];
            int agree = 0;
            for (int q = 0; q < probes; q++) {
                long b = System.nanoTime();
                IvfFlatIndex.Hit h = index.nearest(queries.get(q), nprobe)[0];
                ivf[q] = (System.nanoTime() - b) / 1e6;
                if (h.id() == truth[q]) {
                    agree++;
                }
            }
            Result r = new Result(n, dim, exactP, LatencySummary.of(ivf), index.nlist(), nprobe, (double) agree / probes,
                    noise, buildSeconds, (double) dim * Float.BYTES, (double) index.bytes() / Math.max(1, n));
            results.add(r);
            if (out != null) {
                out.printf("gallery %,d x %d: exact p50/p95/p99 %.2f/%.2f/%.2f ms; IVF (nlist %d, nprobe %d) "
                                + "%.2f/%.2f/%.2f ms, recall@1 %.4f, built in %.1f s; %.0f B/template exact floats, "
                                + "%.0f B/template index%n",
                        n, dim, r.exactMs().p50(), r.exactMs().p95(), r.exactMs().p99(), r.nlist(), nprobe, r.ivfMs().p50(),
                        r.ivfMs().p95(), r.ivfMs().p99(), r.recallAt1(), buildSeconds, r.exactBytesPerTemplate(),
                        r.ivfBytesPerTemplate());
                out.flush();
            }
        }
        return results;
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

    private static float[] probeOf(float[] rows, int row, int dim, double noise, Random random) {
        float[] p = new float[dim];
        double norm = 0;
        for (int d = 0; d < dim; d++) {
            p[d] = (float) (rows[row * dim + d] + random.nextGaussian() * noise / Math.sqrt(dim));
            norm += p[d] * p[d];
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int d = 0; d < dim; d++) {
            p[d] *= inv;
        }
        return p;
    }

}
