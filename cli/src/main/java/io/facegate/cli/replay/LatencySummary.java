package io.facegate.cli.replay;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;

/**
 * Percentiles of end-to-end latency in milliseconds (nearest-rank, exact over all samples).
 *
 * @param p50 median
 * @param p95 95th percentile
 * @param p99 99th percentile
 * @param max largest sample
 */
public record LatencySummary(
    @JsonProperty("p50") double p50,
    @JsonProperty("p95") double p95,
    @JsonProperty("p99") double p99,
    @JsonProperty("max") double max) {

  /**
   * @return the summary of {@code samples}; all zero when there are none
   */
  public static LatencySummary of(double[] samples) {
    if (samples.length == 0) {
      return new LatencySummary(0, 0, 0, 0);
    }
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    return new LatencySummary(
        percentile(sorted, 50),
        percentile(sorted, 95),
        percentile(sorted, 99),
        sorted[sorted.length - 1]);
  }

  /** Nearest-rank percentile of an ascending array. */
  static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
