package io.facegate.trainer.evaluation;

import java.util.ArrayList;
import java.util.List;

/**
 * Face-verification figures for a set of genuine and impostor pair distances. A pair is accepted
 * (same person) when its distance is {@code <= threshold}. Rates are fractions in [0, 1].
 *
 * <p>Inputs are finite ({@link PairDistances} guarantees it; thresholds and target rates are
 * checked here), and every walk over the sorted distances also ends with an error if it stops
 * advancing, so a bad value can never turn a metric into an endless loop.
 *
 * @param eer equal error rate: where the false accept and false reject rates meet
 * @param eerThreshold the distance threshold at the EER
 * @param auc area under the ROC curve = P(impostor distance &gt; genuine distance), ties count half
 * @param tarAtFar1pct true accept rate at the largest threshold with FAR &lt;= 1 %
 * @param tarAtFar01pct true accept rate at the largest threshold with FAR &lt;= 0.1 %
 * @param threshold the threshold the next four figures use
 * @param farAtThreshold impostor pairs accepted / impostor pairs
 * @param frrAtThreshold genuine pairs rejected / genuine pairs
 * @param accuracyAtThreshold correctly decided pairs / all pairs
 * @param balancedAccuracyAtThreshold 1 - (FAR + FRR) / 2, insensitive to the impostor surplus
 * @param genuinePairs number of genuine pairs
 * @param impostorPairs number of impostor pairs
 */
public record VerificationMetrics(
    double eer,
    double eerThreshold,
    double auc,
    double tarAtFar1pct,
    double tarAtFar01pct,
    double threshold,
    double farAtThreshold,
    double frrAtThreshold,
    double accuracyAtThreshold,
    double balancedAccuracyAtThreshold,
    int genuinePairs,
    int impostorPairs) {

  /** Computes every figure, deciding pairs with {@code threshold}. */
  public static VerificationMetrics of(PairDistances d, double threshold) {
    if (!Double.isFinite(threshold)) {
      throw new IllegalArgumentException("threshold must be finite, got " + threshold);
    }
    double[] eer = equalErrorRate(d);
    double far = fractionAtMost(d.impostor(), threshold);
    double frr = 1 - fractionAtMost(d.genuine(), threshold);
    int ng = d.genuine().length;
    int ni = d.impostor().length;
    double correct = (1 - frr) * ng + (1 - far) * ni;
    return new VerificationMetrics(
        eer[0],
        eer[1],
        auc(d),
        tarAtFar(d, 0.01),
        tarAtFar(d, 0.001),
        threshold,
        far,
        frr,
        correct / (ng + ni),
        1 - (far + frr) / 2,
        ng,
        ni);
  }

  /**
   * The EER and its threshold: the candidate threshold (a pair distance) where |FAR - FRR| is
   * smallest; EER = (FAR + FRR) / 2 there, and the threshold is placed midway to the next larger
   * distance so that a tie does not decide it.
   *
   * @return {eer, threshold}
   */
  public static double[] equalErrorRate(PairDistances d) {
    double[] g = d.genuine();
    double[] im = d.impostor();
    double bestGap = Double.POSITIVE_INFINITY;
    double bestEer = 1;
    double bestT = 0;
    int gi = 0;
    int ii = 0;
    // candidate "accept nothing", then every distinct distance in increasing order
    double prev = Math.min(g[0], im[0]) - 1e-6;
    double gap0 = Math.abs(0 - 1.0);
    if (gap0 < bestGap) {
      bestGap = gap0;
      bestEer = 0.5;
      bestT = prev;
    }
    while (gi < g.length || ii < im.length) {
      double t =
          Math.min(
              gi < g.length ? g[gi] : Double.POSITIVE_INFINITY,
              ii < im.length ? im[ii] : Double.POSITIVE_INFINITY);
      int before = gi + ii;
      while (gi < g.length && g[gi] <= t) {
        gi++;
      }
      while (ii < im.length && im[ii] <= t) {
        ii++;
      }
      requireProgress(before, gi + ii, t, "EER");
      double far = (double) ii / im.length;
      double frr = 1 - (double) gi / g.length;
      double gap = Math.abs(far - frr);
      if (gap < bestGap) {
        bestGap = gap;
        bestEer = (far + frr) / 2;
        double next =
            Math.min(gi < g.length ? g[gi] : t + 1e-6, ii < im.length ? im[ii] : t + 1e-6);
        bestT = (t + next) / 2;
      }
    }
    return new double[] {bestEer, bestT};
  }

  /**
   * The largest threshold whose FAR on these impostor pairs is at most {@code targetFar}: just
   * below the (k+1)-th smallest impostor distance, k = floor(targetFar * impostors).
   */
  public static double thresholdAtFar(PairDistances d, double targetFar) {
    if (!(targetFar >= 0 && targetFar <= 1)) {
      throw new IllegalArgumentException("target FAR must be in [0, 1], got " + targetFar);
    }
    double[] im = d.impostor();
    int k = (int) Math.floor(targetFar * im.length + 1e-9);
    if (k >= im.length) {
      return im[im.length - 1];
    }
    return Math.nextDown(im[k]);
  }

  /** True accept rate at {@link #thresholdAtFar}. */
  public static double tarAtFar(PairDistances d, double targetFar) {
    return fractionAtMost(d.genuine(), thresholdAtFar(d, targetFar));
  }

  /** P(impostor distance &gt; genuine distance) + P(equal) / 2 (Mann-Whitney U / (nG nI)). */
  public static double auc(PairDistances d) {
    double[] g = d.genuine();
    double[] im = d.impostor();
    double wins = 0;
    int lo = 0;
    int hi = 0;
    for (double x : g) {
      while (lo < im.length && im[lo] < x) {
        lo++;
      }
      while (hi < im.length && im[hi] <= x) {
        hi++;
      }
      wins += (im.length - hi) + 0.5 * (hi - lo);
    }
    return wins / ((double) g.length * im.length);
  }

  /** ROC points (FAR, TAR) at every distinct distance, from (0, 0) to (1, 1). */
  public static List<double[]> roc(PairDistances d) {
    double[] g = d.genuine();
    double[] im = d.impostor();
    List<double[]> points = new ArrayList<>();
    points.add(new double[] {0, 0});
    int gi = 0;
    int ii = 0;
    while (gi < g.length || ii < im.length) {
      double t =
          Math.min(
              gi < g.length ? g[gi] : Double.POSITIVE_INFINITY,
              ii < im.length ? im[ii] : Double.POSITIVE_INFINITY);
      int before = gi + ii;
      while (gi < g.length && g[gi] <= t) {
        gi++;
      }
      while (ii < im.length && im[ii] <= t) {
        ii++;
      }
      requireProgress(before, gi + ii, t, "ROC");
      points.add(new double[] {(double) ii / im.length, (double) gi / g.length});
    }
    return points;
  }

  /** Each candidate threshold must consume at least one distance; otherwise the walk would spin. */
  private static void requireProgress(int before, int after, double t, String walk) {
    if (after == before) {
      throw new IllegalStateException(
          walk
              + " walk made no progress at threshold "
              + t
              + " (non-finite or unsorted distances)");
    }
  }

  /** Fraction of the sorted values that are {@code <= t}. */
  static double fractionAtMost(double[] sorted, double t) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return (double) lo / sorted.length;
  }
}
