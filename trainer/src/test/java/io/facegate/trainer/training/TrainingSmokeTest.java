package io.facegate.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.OnnxEmbedder;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.trainer.SyntheticFaces;
import io.facegate.trainer.data.DatasetException;
import io.facegate.trainer.data.FaceDataset;
import io.facegate.trainer.data.IdentitySplit;
import io.facegate.trainer.data.ImageStore;
import io.facegate.trainer.loss.TripletLoss;
import io.facegate.trainer.model.NetworkConfig;
import io.facegate.trainer.pipeline.EvaluatePipeline;
import io.facegate.trainer.pipeline.TrainPipeline;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI smoke test on a few real ORL faces: a handful of steps lowers the loss, and a full
 * train/export/evaluate run writes a model ONNX Runtime loads, the model card and evaluation.json
 * with the contract's fields, and the plots. Not an accuracy check (see docs/trainer.md).
 */
class TrainingSmokeTest {

  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  @TempDir Path tmp;

  private static Path orl() {
    Path orl =
        Path.of(System.getProperty("facegate.datasets", "../../shared/datasets"), "orl-faces");
    Assumptions.assumeTrue(Files.isDirectory(orl), "shared ORL dataset not present");
    return orl;
  }

  private static TrainingOptions tiny(LossKind loss, int epochs, int steps) {
    return new TrainingOptions(
        11,
        loss,
        epochs,
        steps,
        8,
        4,
        4,
        3e-3f,
        0f,
        loss == LossKind.TRIPLET ? 0.3f : 1f,
        100,
        false,
        32,
        1,
        List.of(8, 16),
        NetworkConfig.Pooling.AVERAGE,
        32,
        0.15,
        0.15,
        null,
        TripletLoss.Mining.SEMI_HARD);
  }

  @Test
  void aFewStepsOnAFewOrlPeopleLowerTheLoss() {
    FaceDataset data = FaceDataset.scan(List.of(orl()));
    List<String> ids = data.identities();
    // 6 people to learn from, 3 to validate on: 90 images in all
    IdentitySplit split = new IdentitySplit(ids.subList(0, 6), ids.subList(6, 9), List.of());
    TrainingOptions options = tiny(LossKind.CONTRASTIVE, 4, 5);
    ImageStore store = new ImageStore(new Preprocessor(options.preprocess()));
    SiameseTrainer.Result r = new SiameseTrainer(options, QUIET).train(data, split, store, null);
    try (TrainedModel model = r.model()) {
      List<EpochStats> epochs = r.epochs();
      assertEquals(4, epochs.size());
      assertTrue(
          epochs.get(3).trainLoss() < epochs.get(0).trainLoss(),
          "loss went down: " + epochs.get(0).trainLoss() + " -> " + epochs.get(3).trainLoss());
    }
  }

  @Test
  void trainExportAndEvaluateWriteTheContractFiles() throws Exception {
    Path out = tmp.resolve("model");
    TrainPipeline.Summary summary =
        new TrainPipeline(tiny(LossKind.TRIPLET, 2, 2), QUIET).run(List.of(orl()), out);
    for (String f :
        List.of(
            "model.onnx",
            "model-card.json",
            "loss-all-epochs.png",
            "loss-first-5-epochs.png",
            "roc.png",
            "distance-histograms.png")) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    try (OnnxEmbedder onnx = OnnxEmbedder.open(summary.modelFile(), DeviceSpec.cpu(), 0)) {
      assertEquals(32, onnx.metadata().embeddingDim());
    }
    JsonNode card = new ObjectMapper().readTree(out.resolve("model-card.json").toFile());
    for (String f :
        List.of(
            "model_version",
            "threshold",
            "operating_point",
            "input",
            "embedding_dim",
            "seconds_per_epoch",
            "train_seconds",
            "seed",
            "data")) {
      assertTrue(card.has(f), "model card has " + f);
    }
    for (String f : List.of("width", "height", "channels", "mean", "std")) {
      assertTrue(card.get("input").has(f), "input." + f);
    }
    JsonNode testByDataset = card.path("metrics").path("test_by_dataset").path("orl-faces");
    for (JsonNode block :
        List.of(
            card.path("metrics").path("validation"),
            card.path("metrics").path("test"),
            testByDataset)) {
      for (String f :
          List.of(
              "eer",
              "auc",
              "tar_at_far_1pct",
              "tar_at_far_0_1pct",
              "accuracy_at_threshold",
              "one_shot_accuracy",
              "genuine_pairs",
              "impostor_pairs")) {
        assertTrue(block.has(f), "metrics block has " + f);
      }
      double eer = block.get("eer").asDouble();
      assertTrue(eer >= 0 && eer <= 1, "rates are fractions");
    }
    // 6 test people x 10 images: 6 * 45 genuine pairs
    assertEquals(270, card.path("metrics").path("test").path("genuine_pairs").asInt());

    Path evalOut = tmp.resolve("eval");
    new EvaluatePipeline(QUIET).run(out, List.of(orl()), evalOut);
    JsonNode eval = new ObjectMapper().readTree(evalOut.resolve("evaluation.json").toFile());
    for (String f :
        List.of(
            "eer",
            "auc",
            "tar_at_far_1pct",
            "tar_at_far_0_1pct",
            "far_at_threshold",
            "frr_at_threshold",
            "accuracy_at_threshold",
            "one_shot_accuracy",
            "threshold",
            "genuine_pairs",
            "impostor_pairs",
            "identities",
            "images",
            "model_version")) {
      assertTrue(eval.has(f), "evaluation.json has " + f);
    }
    assertEquals(40, eval.get("identities").asInt());
    assertEquals(400, eval.get("images").asInt());
    assertEquals(40 * 45, eval.get("genuine_pairs").asInt());
    assertTrue(Files.size(evalOut.resolve("roc.png")) > 0);
    assertEquals(0, card.path("data").path("unusable_images").path("count").asInt(-1));
    // scratch default network: the card carries its cost, measured from the exported graph
    assertEquals(
        java.nio.file.Files.size(out.resolve("model.onnx")),
        card.path("cost").path("model_bytes").asLong());
    assertTrue(
        card.path("cost").path("multiply_adds_per_image").asLong()
            > card.path("cost").path("parameters").asLong(),
        "a CNN does more multiply-adds per image than it has weights");
    assertEquals(0, eval.path("unusable_images").path("count").asInt(-1));

    // real datasets hold PNG bytes named .jpg and faces too small to use: counted, not fatal
    Path messy = SyntheticFaces.write(tmp.resolve("messy"), 3, 3, 40, 9);
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(
        new java.awt.image.BufferedImage(40, 40, java.awt.image.BufferedImage.TYPE_BYTE_GRAY),
        "png",
        png);
    Files.write(messy.resolve("p0").resolve("png-bytes.jpg"), png.toByteArray());
    Files.write(
        messy.resolve("p1").resolve("tiny.pgm"),
        Files.readAllBytes(
            SyntheticFaces.write(tmp.resolve("tiny"), 1, 1, 20, 1).resolve("p0").resolve("0.pgm")));
    Path messyOut = tmp.resolve("eval-messy");
    new EvaluatePipeline(QUIET).run(out, List.of(messy), messyOut);
    JsonNode messyEval = new ObjectMapper().readTree(messyOut.resolve("evaluation.json").toFile());
    assertEquals(10, messyEval.get("images").asInt(), "9 synthetic faces and the PNG named .jpg");
    assertEquals(1, messyEval.path("unusable_images").path("count").asInt());
    assertEquals(1, messyEval.path("unusable_images").path("by_reason").path("TOO_SMALL").asInt());
    DatasetException strict =
        assertThrows(
            DatasetException.class,
            () ->
                new EvaluatePipeline(QUIET, true)
                    .run(out, List.of(messy), tmp.resolve("eval-strict")));
    assertTrue(strict.getMessage().contains("tiny.pgm"), strict.getMessage());
  }
}
