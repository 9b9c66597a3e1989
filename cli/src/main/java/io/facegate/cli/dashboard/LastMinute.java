package io.facegate.cli.dashboard;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts over the last 60 seconds in one-second buckets: grants, denials by reason, dead letters by
 * reason, and end-to-end latencies for percentiles. Not thread-safe: {@link LiveBoard} guards it.
 */
final class LastMinute {

  static final int SECONDS = 60;

  /**
   * Latency samples kept per second; beyond this a second's percentiles come from its first
   * samples.
   */
  static final int MAX_SAMPLES_PER_SECOND = 20_000;

  private final Bucket[] buckets = new Bucket[SECONDS];

  LastMinute() {
    for (int i = 0; i < SECONDS; i++) {
      buckets[i] = new Bucket();
    }
  }

  void decision(long epochSecond, boolean granted, String reason, long latencyMs) {
    Bucket b = bucket(epochSecond);
    if (b == null) {
      return;
    }
    if (granted) {
      b.granted++;
    } else {
      b.denied.merge(reason, 1L, Long::sum);
    }
    if (b.samples < MAX_SAMPLES_PER_SECOND) {
      if (b.samples == b.latencies.length) {
        b.latencies =
            Arrays.copyOf(b.latencies, Math.min(MAX_SAMPLES_PER_SECOND, b.latencies.length * 2));
      }
      b.latencies[b.samples++] = latencyMs;
    }
  }

  void deadLetter(long epochSecond, String reason) {
    Bucket b = bucket(epochSecond);
    if (b != null) {
      b.deadLetters.merge(reason, 1L, Long::sum);
    }
  }

  /**
   * @return the second's bucket, or null when its slot already holds a later second: the record is
   *     a minute or more older than one already counted, so outside the window (and it must not
   *     wipe the later second's counts)
   */
  private Bucket bucket(long epochSecond) {
    Bucket b = buckets[(int) Math.floorMod(epochSecond, (long) SECONDS)];
    if (b.second < epochSecond) {
      b.reset(epochSecond);
    }
    return b.second == epochSecond ? b : null;
  }

  /** The last minute up to and including {@code nowSecond}. */
  Summary summary(long nowSecond) {
    long granted = 0;
    Map<String, Long> denied = new TreeMap<>();
    Map<String, Long> dead = new TreeMap<>();
    long[] perSecondGranted = new long[SECONDS];
    long[] perSecondDenied = new long[SECONDS];
    int total = 0;
    for (Bucket b : buckets) {
      if (inWindow(b, nowSecond)) {
        total += b.samples;
      }
    }
    long[] all = new long[total];
    int n = 0;
    for (Bucket b : buckets) {
      if (!inWindow(b, nowSecond)) {
        continue;
      }
      int slot = (int) (SECONDS - 1 - (nowSecond - b.second));
      perSecondGranted[slot] = b.granted;
      long d = 0;
      for (Map.Entry<String, Long> e : b.denied.entrySet()) {
        denied.merge(e.getKey(), e.getValue(), Long::sum);
        d += e.getValue();
      }
      perSecondDenied[slot] = d;
      granted += b.granted;
      b.deadLetters.forEach((k, v) -> dead.merge(k, v, Long::sum));
      System.arraycopy(b.latencies, 0, all, n, b.samples);
      n += b.samples;
    }
    Arrays.sort(all);
    return new Summary(
        granted,
        denied,
        dead,
        perSecondGranted,
        perSecondDenied,
        percentile(all, 0.50),
        percentile(all, 0.95),
        percentile(all, 0.99));
  }

  private static boolean inWindow(Bucket b, long nowSecond) {
    return b.second <= nowSecond && b.second > nowSecond - SECONDS;
  }

  /** Nearest-rank percentile; -1 when there is no sample. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return -1;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /**
   * @param perSecondGranted grants in each of the last 60 seconds, oldest first
   * @param perSecondDenied denials in each of the last 60 seconds, oldest first
   * @param p50 latency percentiles in ms (-1: no decision in the window)
   */
  record Summary(
      long granted,
      Map<String, Long> deniedByReason,
      Map<String, Long> deadLettersByReason,
      long[] perSecondGranted,
      long[] perSecondDenied,
      long p50,
      long p95,
      long p99) {
    long denied() {
      return deniedByReason.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static final class Bucket {
    long second = Long.MIN_VALUE;
    long granted;
    final Map<String, Long> denied = new TreeMap<>();
    final Map<String, Long> deadLetters = new TreeMap<>();
    long[] latencies = new long[64];
    int samples;

    void reset(long newSecond) {
      second = newSecond;
      granted = 0;
      denied.clear();
      deadLetters.clear();
      samples = 0;
    }
  }
}
