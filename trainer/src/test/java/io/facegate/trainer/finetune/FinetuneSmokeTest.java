package io.facegate.trainer.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.OnnxEmbedder;
import io.facegate.trainer.SyntheticFaces;
import io.facegate.trainer.loss.TripletLoss;
import io.facegate.trainer.model.NetworkConfig;
import io.facegate.trainer.pipeline.FinetunePipeline;
import io.facegate.trainer.training.LossKind;
import io.facegate.trainer.training.TrainingOptions;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --backbone <tiny contract model>} end to end on generated faces: the exported model
 * meets the contract and carries the backbone's provenance, the card sets raw backbone and
 * fine-tuned side by side per dataset, ONNX Runtime agrees with DJL, and a backbone that returns
 * NaN stops the run with an error naming the image instead of training on it.
 */
class FinetuneSmokeTest {

  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  @TempDir static Path tmp;

  private static Path faces;

  @BeforeAll
  static void data() throws Exception {
    faces = SyntheticFaces.write(tmp.resolve("synthetic"), 12, 5, 40, 7);
  }

  static TrainingOptions options(LossKind loss, int epochs, int steps) {
    return new TrainingOptions(
        5,
        loss,
        epochs,
        steps,
        8,
        4,
        2,
        1e-3f,
        0f,
        loss == LossKind.TRIPLET ? 0.3f : 1f,
        100,
        true,
        64,
        1,
        List.of(32),
        NetworkConfig.Pooling.AVERAGE,
        128,
        0.25,
        0.25,
        null,
        TripletLoss.Mining.HARD);
  }

  private static FinetuneOptions finetune(
      Path backboneDir,
      FinetuneOptions.HeadKind head,
      Integer dim,
      FinetuneOptions.HeadStart start) {
    return new FinetuneOptions(
        Backbone.resolve(backboneDir.toString(), tmp), head, dim, start, true, DeviceSpec.cpu(), 1);
  }

  @Test
  void aLinearHeadOnATinyBackboneExportsOneContractModelWithBothReports() throws Exception {
    Path backbone = TinyBackbone.write(tmp.resolve("backbones/tiny"));
    Path out = tmp.resolve("linear");
    FinetunePipeline.Summary s =
        new FinetunePipeline(
                options(LossKind.TRIPLET, 3, 4),
                finetune(
                    backbone.getParent(),
                    FinetuneOptions.HeadKind.LINEAR,
                    null,
                    FinetuneOptions.HeadStart.RAW),
                QUIET)
            .run(List.of(faces), out);

    for (String f :
        List.of(
            "model.onnx",
            "model-card.json",
            "loss-all-epochs.png",
            "loss-first-5-epochs.png",
            "roc.png",
            "distance-histograms.png",
            "distance-histograms-raw-backbone.png")) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    assertTrue(s.parity() < 1e-4, "ONNX Runtime vs DJL " + s.parity());
    try (OnnxEmbedder model = OnnxEmbedder.open(s.modelFile(), DeviceSpec.cpu(), 1)) {
      ModelMetadata m = model.metadata();
      assertEquals(TinyBackbone.DIM, m.embeddingDim());
      assertEquals(32, m.input().width());
      assertEquals(TinyBackbone.VERSION, m.provenance().get("backbone.model_version"));
      assertEquals("TinyOnnxModel", m.provenance().get("backbone.builder"));
      assertEquals("linear", m.provenance().get("head"));
      assertEquals("raw", m.provenance().get("head_init"));
      assertEquals("5", m.provenance().get("seed"));
      assertTrue(m.provenance().containsKey("data_fingerprint"));
      assertTrue(m.threshold() > 0 && m.threshold() < 2);
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
            "data",
            "history",
            "kept",
            "head_start",
            "backbone",
            "raw_backbone")) {
      assertTrue(card.has(f), "model card has " + f);
    }
    assertEquals(60, card.path("backbone").path("images_embedded").asInt());
    assertEquals("raw", card.path("head_start").path("chosen").asText());
    for (JsonNode metrics :
        List.of(card.path("metrics"), card.path("raw_backbone").path("metrics"))) {
      JsonNode test = metrics.path("test_by_dataset").path("synthetic");
      assertEquals(3 * 10, test.path("genuine_pairs").asInt(), "3 test people x 5 images");
      double eer = test.path("eer").asDouble(-1);
      assertTrue(eer >= 0 && eer <= 1, "a rate: " + eer);
    }
    assertEquals(s.rawTestEer().keySet(), s.fineTunedTestEer().keySet());
  }

  @Test
  void aNarrowMlpHeadWithContrastiveLossIsExportedAtItsOwnWidth() throws Exception {
    Path backbone = TinyBackbone.write(tmp.resolve("backbones/tiny-mlp"));
    Path out = tmp.resolve("mlp");
    FinetunePipeline.Summary s =
        new FinetunePipeline(
                options(LossKind.CONTRASTIVE, 2, 3),
                finetune(
                    backbone.getParent(),
                    FinetuneOptions.HeadKind.MLP,
                    16,
                    FinetuneOptions.HeadStart.WHITENED),
                QUIET)
            .run(List.of(faces), out);
    assertTrue(s.parity() < 1e-4, "ONNX Runtime vs DJL " + s.parity());
    try (OnnxEmbedder model = OnnxEmbedder.open(s.modelFile(), DeviceSpec.cpu(), 1)) {
      assertEquals(16, model.metadata().embeddingDim());
      String init = model.metadata().provenance().get("head_init");
      assertTrue(init.startsWith("whitened a="), init);
    }
  }

  @Test
  void aBackboneThatReturnsNaNStopsTheRunNamingTheImage() throws Exception {
    Path backbone = TinyBackbone.writeNaN(tmp.resolve("backbones/nan"));
    Path out = tmp.resolve("nan");
    IllegalStateException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                assertThrows(
                    IllegalStateException.class,
                    () ->
                        new FinetunePipeline(
                                options(LossKind.TRIPLET, 2, 2),
                                finetune(
                                    backbone.getParent(),
                                    FinetuneOptions.HeadKind.LINEAR,
                                    null,
                                    FinetuneOptions.HeadStart.BEST),
                                QUIET)
                            .run(List.of(faces), out)));
    assertTrue(e.getMessage().contains("non-finite embedding"), e.getMessage());
    assertTrue(e.getMessage().contains(".pgm"), e.getMessage());
    assertTrue(!Files.exists(out.resolve("model.onnx")), "nothing exported");
  }
}
