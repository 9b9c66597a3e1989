package io.facegate.trainer.export;

import java.util.List;
import java.util.Map;

/**
 * Exposure normalisation inside an embedding graph: each face is brightened or darkened by a gamma
 * that brings the mean luminance of its central region to one half, and its colours are scaled with
 * its luminance. A face lit from one side, or too dark, then reaches the network with the exposure
 * of the faces it was trained on. It runs before anything else in the graph, on the contract's
 * {@code [b, 3, size, size]} RGB input in {@code [0, 1]}:
 *
 * <pre>
 *   Y     = 0.299 R + 0.587 G + 0.114 B                       per pixel
 *   m     = clip(mean of Y over the central (1 - 2 * MARGIN) square, 1/255, 0.99)
 *   g     = clip(log(1/2) / log(m), 0.3, 3)                    per face
 *   out_c = clip(x_c * max(Y, 1/255)^(g - 1), 0, 1)            so that Y becomes Y^g
 * </pre>
 *
 * The central square leaves out the background and the border an alignment may add. Every step is
 * finite for any input in {@code [0, 1]} (a black face gets {@code g = 0.3} and stays black); a NaN
 * pixel stays NaN (so the embedding is NaN, which the processor's embedding check denies) and does
 * not reach the other faces of the batch.
 */
public final class ExposureNormalisation {

  /** Provenance key describing the normalisation, present when the graph applies it. */
  public static final String PROVENANCE_KEY = "exposure_normalisation";

  /** Fraction of the side left out on each edge when the mean luminance is taken. */
  public static final double MARGIN = 0.2;

  /** The mean luminance each face is brought to. */
  public static final double TARGET = 0.5;

  /** Bounds of the gamma: no face is changed more than this. */
  public static final double MIN_GAMMA = 0.3;

  /** See {@link #MIN_GAMMA}. */
  public static final double MAX_GAMMA = 3;

  /** Luminance weights of R, G and B (ITU-R BT.601). */
  static final float[] LUMA = {0.299f, 0.587f, 0.114f};

  /** Floor of the luminance, one 8-bit step. */
  static final float FLOOR = 1f / 255;

  /** Ceiling of the mean luminance, so that its log is not zero. */
  static final float MEAN_CEILING = 0.99f;

  private ExposureNormalisation() {}

  /** What the provenance says when the graph applies it. */
  public static String description() {
    return "gamma to mean luminance "
        + TARGET
        + " over the central "
        + Math.round(100 * (1 - 2 * MARGIN))
        + " % square, gamma in ["
        + MIN_GAMMA
        + ", "
        + MAX_GAMMA
        + "], colours scaled with luminance";
  }

  /**
   * Start of the central square on a side of {@code size} pixels; it ends at {@code size - start}.
   */
  public static int centralStart(int size) {
    return (int) (size * MARGIN);
  }

  /**
   * Nodes that normalise {@code input} ({@code [b, 3, size, size]} RGB in [0, 1]).
   *
   * @return the name of the normalised batch, same shape
   */
  public static String apply(OnnxGraphWriter w, String input, int size) {
    String weights = w.floats("exposure/luma_weights", LUMA, 1, 3, 1, 1);
    String weighted =
        w.node(
            CnnOperator.MUL,
            "exposure/weigh",
            List.of(input, weights),
            "exposure/weighted",
            Map.of());
    String channelAxis = w.longs("exposure/channel_axis", new long[] {1}, 1);
    String luma =
        w.node(
            CnnOperator.REDUCE_SUM,
            "exposure/luma",
            List.of(weighted, channelAxis),
            "exposure/y",
            Map.of("keepdims", 1L));
    int start = centralStart(size);
    String starts = w.longs("exposure/centre_starts", new long[] {start, start}, 2);
    String ends = w.longs("exposure/centre_ends", new long[] {size - start, size - start}, 2);
    String axes = w.longs("exposure/centre_axes", new long[] {2, 3}, 2);
    String centre =
        w.node(
            CnnOperator.SLICE,
            "exposure/centre",
            List.of(luma, starts, ends, axes),
            "exposure/y_centre",
            Map.of());
    String mean =
        w.node(
            CnnOperator.REDUCE_MEAN,
            "exposure/mean",
            List.of(centre),
            "exposure/y_mean",
            Map.of("axes", new long[] {1, 2, 3}, "keepdims", 1L));
    String floor = w.floats("exposure/floor", new float[] {FLOOR});
    String ceiling = w.floats("exposure/mean_ceiling", new float[] {MEAN_CEILING});
    String bounded =
        w.node(
            CnnOperator.CLIP,
            "exposure/bound_mean",
            List.of(mean, floor, ceiling),
            "exposure/y_mean_bounded",
            Map.of());
    String logMean =
        w.node(CnnOperator.LOG, "exposure/log_mean", List.of(bounded), "exposure/log_m", Map.of());
    String logTarget = w.floats("exposure/log_target", new float[] {(float) Math.log(TARGET)});
    String gamma =
        w.node(
            CnnOperator.DIV,
            "exposure/gamma",
            List.of(logTarget, logMean),
            "exposure/g_free",
            Map.of());
    String minGamma = w.floats("exposure/min_gamma", new float[] {(float) MIN_GAMMA});
    String maxGamma = w.floats("exposure/max_gamma", new float[] {(float) MAX_GAMMA});
    String g =
        w.node(
            CnnOperator.CLIP,
            "exposure/bound_gamma",
            List.of(gamma, minGamma, maxGamma),
            "exposure/g",
            Map.of());
    String one = w.floats("exposure/one", new float[] {1f});
    String exponent =
        w.node(
            CnnOperator.SUB, "exposure/exponent", List.of(g, one), "exposure/g_less_1", Map.of());
    String lumaFloored =
        w.node(
            CnnOperator.MAX,
            "exposure/floor_luma",
            List.of(luma, floor),
            "exposure/y_floored",
            Map.of());
    String scale =
        w.node(
            CnnOperator.POW,
            "exposure/scale",
            List.of(lumaFloored, exponent),
            "exposure/scale_y",
            Map.of());
    String scaled =
        w.node(
            CnnOperator.MUL, "exposure/apply", List.of(input, scale), "exposure/scaled", Map.of());
    String zero = w.floats("exposure/zero", new float[] {0f});
    String bounded01 =
        w.node(
            CnnOperator.CLIP,
            "exposure/bound_pixels",
            List.of(scaled, zero, one),
            "exposure/bounded",
            Map.of());
    // ONNX Runtime's Clip turns NaN into a bound; adding 0 * input puts a NaN pixel back, so that
    // a NaN input still gives a NaN embedding, which the processor denies
    String nanOnly =
        w.node(
            CnnOperator.MUL, "exposure/nan_only", List.of(input, zero), "exposure/nans", Map.of());
    return w.node(
        CnnOperator.ADD,
        "exposure/keep_nan",
        List.of(bounded01, nanOnly),
        "exposure/normalised",
        Map.of());
  }
}
