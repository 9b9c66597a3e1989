package io.facegate.trainer.export;

import io.facegate.model.metadata.ModelMetadata;
import java.util.List;
import java.util.Map;

/**
 * Test-time mirroring inside an embedding graph: the network embeds each face and its left-right
 * mirror image in one batch, and the model's embedding is the L2-normalised sum of the two
 * L2-normalised descriptors. Faces are roughly symmetric, so the mirror is a second view of the
 * same person at no risk; the average is steadier under pose and lighting from one side, and the
 * embedding no longer depends on which way the face looks. It costs a second pass of the network
 * per face (twice the multiply-adds, shown in the model card's cost).
 *
 * <p>The model's provenance records it ({@link #PROVENANCE_KEY}), so the trainer knows that a
 * mirrored training copy would be the same vector and does not embed one.
 */
public final class MirrorAverage {

  /** Provenance key, {@code "true"} when the graph averages each face with its mirror image. */
  public static final String PROVENANCE_KEY = "mirror_average";

  private MirrorAverage() {}

  /**
   * Nodes that append the mirror image of every image of {@code input} ({@code [b, C, H, width]}
   * NCHW) to the batch: {@code [2b, C, H, width]}, originals first.
   *
   * @return the name of the doubled batch
   */
  public static String withMirrors(OnnxGraphWriter w, String input, int width) {
    long[] reversed = new long[width];
    for (int x = 0; x < width; x++) {
      reversed[x] = width - 1 - x;
    }
    String index = w.longs("mirror/columns_reversed", reversed, width);
    String mirrored =
        w.node(
            CnnOperator.GATHER,
            "mirror/flip",
            List.of(input, index),
            "mirror/flipped",
            Map.of("axis", 3L));
    return w.node(
        CnnOperator.CONCAT,
        "mirror/with_mirrors",
        List.of(input, mirrored),
        "mirror/batch",
        Map.of("axis", 0L));
  }

  /**
   * Nodes that turn {@code descriptors} ({@code [2b, dim]}, the batch of {@link #withMirrors}) into
   * {@code output} ({@code [b, dim]}): each row L2-normalised, each face's two rows summed, the sum
   * L2-normalised.
   */
  public static void average(OnnxGraphWriter w, String descriptors, int dim, String output) {
    String unit = w.l2NormalizeRows("mirror/l2_each", descriptors, "mirror/unit");
    String shape = w.longs("mirror/pair_shape", new long[] {2, -1, dim}, 3);
    String pairs =
        w.node(CnnOperator.RESHAPE, "mirror/pair", List.of(unit, shape), "mirror/pairs", Map.of());
    String axis = w.longs("mirror/pair_axis", new long[] {0}, 1);
    String sum =
        w.node(
            CnnOperator.REDUCE_SUM,
            "mirror/sum",
            List.of(pairs, axis),
            "mirror/summed",
            Map.of("keepdims", 0L));
    w.l2NormalizeRows("mirror/l2_sum", sum, output);
  }

  /** Whether a model's graph (or its backbone's) averages each face with its mirror image. */
  public static boolean appliedIn(ModelMetadata metadata) {
    Map<String, String> p = metadata.provenance();
    return "true".equals(p.get(PROVENANCE_KEY))
        || "true".equals(p.get("backbone." + PROVENANCE_KEY));
  }
}
