package io.facegate.trainer.finetune;

import io.facegate.model.onnx.DeviceSpec;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What fine-tuning adds to the shared training options (seed, loss, steps, batch shape, learning
 * rate, margin, patience, split, threshold calibration): the backbone and the head.
 *
 * @param backbone the frozen network whose embeddings the head learns from
 * @param head linear or two-layer MLP
 * @param headDim output length of the head; {@code null} = the backbone's embedding length
 * @param headStart which closed-form maps the head may start from ({@link HeadStarts}); the one
 *     with the best validation EER is epoch 0
 * @param flip whether horizontally flipped copies of the training images are embedded too, and
 *     drawn in place of the originals half of the time
 * @param device where ONNX Runtime runs the backbone
 * @param threads ONNX Runtime intra-op threads (0 = its default)
 */
public record FinetuneOptions(
    Backbone backbone,
    HeadKind head,
    Integer headDim,
    HeadStart headStart,
    boolean flip,
    DeviceSpec device,
    int threads) {

  /** The head's shape. */
  public enum HeadKind {
    /** {@code L2(W x + b)}. */
    LINEAR,
    /** {@code L2(W2 relu(W1 x + b1) + b2)}, hidden width twice the output. */
    MLP;

    /**
     * Parses {@code linear | mlp}.
     *
     * @throws IllegalArgumentException naming the option
     */
    public static HeadKind parse(String s) {
      return switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
        case "linear" -> LINEAR;
        case "mlp" -> MLP;
        default -> throw new IllegalArgumentException("--head must be linear or mlp, got " + s);
      };
    }
  }

  /** Which starts the trainer may choose from. */
  public enum HeadStart {
    /** The raw backbone only. */
    RAW,
    /** Whitened starts only. */
    WHITENED,
    /** Raw and whitened: the validation people decide. */
    BEST;

    /**
     * Parses {@code best | raw | whitened}.
     *
     * @throws IllegalArgumentException naming the option
     */
    public static HeadStart parse(String s) {
      return switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
        case "best" -> BEST;
        case "raw" -> RAW;
        case "whitened" -> WHITENED;
        default ->
            throw new IllegalArgumentException(
                "--head-start must be best, raw or whitened, got " + s);
      };
    }
  }

  /** Validates the fields; messages name the CLI option. */
  public FinetuneOptions {
    if (backbone == null) {
      throw new IllegalArgumentException("--backbone must name a model for fine-tuning");
    }
    if (head == null) {
      throw new IllegalArgumentException("--head must be linear or mlp");
    }
    if (headStart == null) {
      throw new IllegalArgumentException("--head-start must be best, raw or whitened");
    }
    if (headDim != null && headDim <= 0) {
      throw new IllegalArgumentException("--head-dim must be > 0, got " + headDim);
    }
    if (device == null) {
      throw new IllegalArgumentException("--device must be cpu, cuda, cuda:N or auto");
    }
    if (threads < 0) {
      throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
    }
  }

  /** The head's output length for a backbone of length {@code backboneDim}. */
  public int headDim(int backboneDim) {
    int d = headDim == null ? backboneDim : headDim;
    if (d > backboneDim) {
      throw new IllegalArgumentException(
          "--head-dim "
              + d
              + " exceeds the backbone's embedding length "
              + backboneDim
              + " (the head starts as a projection of the backbone's embedding)");
    }
    return d;
  }

  /** Fine-tuning hyper-parameters as strings, for provenance. */
  public Map<String, String> asProvenance(int backboneDim) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("backbone", backbone.name());
    p.put("head", head.name().toLowerCase(Locale.ROOT));
    p.put("head_dim", Integer.toString(headDim(backboneDim)));
    p.put("head_start", headStart.name().toLowerCase(Locale.ROOT));
    p.put("backbone_frozen", "true");
    p.put("flip_augment", Boolean.toString(flip));
    return p;
  }
}
