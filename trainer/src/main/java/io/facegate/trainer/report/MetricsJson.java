package io.facegate.trainer.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facegate.model.face.AlignmentSpec;
import io.facegate.trainer.evaluation.EvaluationResult;
import io.facegate.trainer.evaluation.VerificationMetrics;
import io.facegate.trainer.export.ModelCost;
import io.facegate.trainer.training.EpochStats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The metric block shared by the model card and evaluation.json; rates are fractions in [0, 1]. */
public final class MetricsJson {

  private MetricsJson() {}

  /** eer, auc, tar_at_far_1pct, tar_at_far_0_1pct, accuracy_at_threshold, one_shot_accuracy, ... */
  public static ObjectNode of(ObjectMapper mapper, EvaluationResult r) {
    VerificationMetrics v = r.verification();
    ObjectNode n = mapper.createObjectNode();
    n.put("eer", v.eer());
    n.put("auc", v.auc());
    n.put("tar_at_far_1pct", v.tarAtFar1pct());
    n.put("tar_at_far_0_1pct", v.tarAtFar01pct());
    n.put("accuracy_at_threshold", v.accuracyAtThreshold());
    n.put("balanced_accuracy_at_threshold", v.balancedAccuracyAtThreshold());
    n.put("far_at_threshold", v.farAtThreshold());
    n.put("frr_at_threshold", v.frrAtThreshold());
    n.put("one_shot_accuracy", r.oneShotAccuracy());
    n.put("eer_threshold", v.eerThreshold());
    n.put("genuine_pairs", v.genuinePairs());
    n.put("impostor_pairs", v.impostorPairs());
    n.put("identities", r.identities());
    n.put("images", r.images());
    return n;
  }

  /**
   * A model card's {@code cost}: parameters, multiply-adds of one image at batch 1 and file size of
   * the ONNX model at {@code onnxFile} ({@link ModelCost}); every card writer calls this. A model
   * that aligns faces also pays for its landmark network on every face, once per pass: {@code
   * cost.landmarks} gives that network's own cost and the passes per face, {@code
   * multiply_adds_per_face} the sum of both.
   *
   * @param alignment the model's alignment, or null when it embeds the whole crop
   */
  public static void cost(ObjectNode card, Path onnxFile, AlignmentSpec alignment)
      throws IOException {
    ModelCost c = ModelCost.of(onnxFile);
    ObjectNode n = card.putObject("cost");
    n.put("parameters", c.parameters());
    n.put("multiply_adds_per_image", c.multiplyAdds());
    n.put("model_bytes", c.modelBytes());
    long perFace = c.multiplyAdds();
    if (alignment != null) {
      Path file = onnxFile.toAbsolutePath().resolveSibling(alignment.landmarksModel());
      ModelCost l = ModelCost.of(file);
      int passes = 1 + alignment.refinements();
      n.putObject("landmarks")
          .put("model", alignment.landmarksModel())
          .put("passes_per_face", passes)
          .put("parameters", l.parameters())
          .put("multiply_adds_per_pass", l.multiplyAdds())
          .put("model_bytes", l.modelBytes());
      perFace += passes * l.multiplyAdds();
    }
    n.put("multiply_adds_per_face", perFace);
  }

  /** Appends one object per epoch (losses, validation EER, seconds) to a model card's history. */
  public static void history(ArrayNode history, List<EpochStats> epochs) {
    for (EpochStats e : epochs) {
      ObjectNode h = history.addObject();
      h.put("epoch", e.epoch());
      h.put("train_loss", e.trainLoss());
      h.put("validation_loss", e.validationLoss());
      h.put("validation_eer", e.validationEer());
      h.put("seconds", e.seconds());
    }
  }
}
