package io.facegate.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.facegate.model.metadata.ModelMetadata;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxEmbedderTest {
  private static final TinyOnnxModel MODEL = TinyOnnxModel.pooling("tiny-1", 8, 6, 1, 2, 0.4f);

  @TempDir Path dir;

  private Path write(TinyOnnxModel m) {
    return m.write(dir.resolve("model.onnx"));
  }

  /** What the tiny model must compute: 2x2 average pool, flatten, L2-normalise. */
  private static float[] expected(float[] chw, int offset) {
    int w = 8;
    int h = 6;
    float[] out = new float[(h / 2) * (w / 2)];
    double sq = 0;
    for (int y = 0; y < h / 2; y++) {
      for (int x = 0; x < w / 2; x++) {
        int o = offset + 2 * y * w + 2 * x;
        float v = (chw[o] + chw[o + 1] + chw[o + w] + chw[o + w + 1]) / 4f;
        out[y * (w / 2) + x] = v;
        sq += v * v;
      }
    }
    for (int i = 0; i < out.length; i++) {
      out[i] /= (float) Math.sqrt(sq);
    }
    return out;
  }

  private static float[] random(int n, long seed) {
    Random rnd = new Random(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextFloat() * 2 - 1;
    }
    return a;
  }

  @Test
  void embedsBatchOfOneAsTheModelDefines() {
    try (OnnxEmbedder e = OnnxEmbedder.open(write(MODEL), DeviceSpec.cpu(), 1)) {
      float[] x = random(48, 1);
      float[][] out = e.embed(x, 1);
      assertEquals(1, out.length);
      assertArrayEquals(expected(x, 0), out[0], 1e-5f);
      assertEquals("cpu", e.device());
      assertEquals("tiny-1", e.metadata().modelVersion());
      assertEquals(12, e.metadata().embeddingDim());
      assertEquals(0.4f, e.metadata().threshold());
    }
  }

  @Test
  void batchOfManyEqualsEachEmbeddedAlone() {
    try (OnnxEmbedder e = OnnxEmbedder.open(write(MODEL), DeviceSpec.cpu(), 1)) {
      float[] x = random(5 * 48, 2);
      float[][] batch = e.embed(x, 5);
      assertEquals(5, batch.length);
      for (int b = 0; b < 5; b++) {
        float[] one = java.util.Arrays.copyOfRange(x, b * 48, (b + 1) * 48);
        assertArrayEquals(e.embed(one, 1)[0], batch[b], 1e-6f);
        assertArrayEquals(expected(x, b * 48), batch[b], 1e-5f);
      }
    }
  }

  @Test
  void centredModelSubtractsTheMeanBeforeNormalising() {
    try (OnnxEmbedder e = OnnxEmbedder.open(write(MODEL.centred()), DeviceSpec.cpu(), 1)) {
      float[] x = random(48, 5);
      float[] plain = expected(x, 0);
      float mu = 0;
      for (float v : plain) {
        mu += v / plain.length;
      }
      double sq = 0;
      for (int i = 0; i < plain.length; i++) {
        plain[i] -= mu;
        sq += plain[i] * plain[i];
      }
      for (int i = 0; i < plain.length; i++) {
        plain[i] /= (float) Math.sqrt(sq);
      }
      assertArrayEquals(plain, e.embed(x, 1)[0], 1e-5f);
    }
  }

  @Test
  void embedRejectsBufferThatDoesNotMatchBatchSize() {
    try (OnnxEmbedder e = OnnxEmbedder.open(write(MODEL), DeviceSpec.cpu(), 1)) {
      assertThrows(InferenceException.class, () -> e.embed(new float[47], 1));
      assertThrows(InferenceException.class, () -> e.embed(new float[96], 1));
      assertThrows(InferenceException.class, () -> e.embed(new float[0], 0));
    }
  }

  @Test
  void rejectsModelWithWrongInputName() {
    ModelLoadException ex =
        assertThrows(
            ModelLoadException.class,
            () -> OnnxEmbedder.open(write(MODEL.withInputName("pixels")), DeviceSpec.cpu(), 1));
    assertTrue(
        ex.getMessage().contains("'input'") && ex.getMessage().contains("pixels"), ex.getMessage());
  }

  @Test
  void rejectsModelWithWrongOutputName() {
    ModelLoadException ex =
        assertThrows(
            ModelLoadException.class,
            () -> OnnxEmbedder.open(write(MODEL.withOutputName("features")), DeviceSpec.cpu(), 1));
    assertTrue(ex.getMessage().contains("'embedding'"), ex.getMessage());
  }

  @Test
  void rejectsModelWithoutDynamicBatch() {
    ModelLoadException ex =
        assertThrows(
            ModelLoadException.class,
            () -> OnnxEmbedder.open(write(MODEL.withFixedBatch()), DeviceSpec.cpu(), 1));
    assertTrue(ex.getMessage().contains("dynamic batch"), ex.getMessage());
  }

  @Test
  void rejectsInputShapeThatDisagreesWithMetadata() {
    Map<String, String> props = new HashMap<>(MODEL.metadata("tiny-1", 0.4f).toProperties());
    props.put(ModelMetadata.INPUT_WIDTH, "10");
    ModelLoadException ex =
        assertThrows(
            ModelLoadException.class,
            () -> OnnxEmbedder.open(write(MODEL.withMetadata(props)), DeviceSpec.cpu(), 1));
    assertTrue(ex.getMessage().contains("input 'input' has shape"), ex.getMessage());
  }

  @Test
  void rejectsEmbeddingDimThatDisagreesWithMetadata() {
    Map<String, String> props = new HashMap<>(MODEL.metadata("tiny-1", 0.4f).toProperties());
    props.put(ModelMetadata.EMBEDDING_DIM, "13");
    ModelLoadException ex =
        assertThrows(
            ModelLoadException.class,
            () -> OnnxEmbedder.open(write(MODEL.withMetadata(props)), DeviceSpec.cpu(), 1));
    assertTrue(ex.getMessage().contains("output 'embedding' has shape"), ex.getMessage());
  }

  @Test
  void rejectsModelWithoutMetadataNamingTheKey() {
    ModelLoadException ex =
        assertThrows(
            ModelLoadException.class,
            () -> OnnxEmbedder.open(write(MODEL.withMetadata(Map.of())), DeviceSpec.cpu(), 1));
    assertTrue(ex.getMessage().contains("facegate."), ex.getMessage());
  }

  @Test
  void rejectsMissingFile() {
    assertThrows(
        ModelLoadException.class,
        () -> OnnxEmbedder.open(dir.resolve("none.onnx"), DeviceSpec.cpu(), 1));
  }

  private static boolean gpuBuild() {
    return OnnxEmbedder.class.getResource(
            "/ai/onnxruntime/native/linux-x64/libonnxruntime_providers_cuda.so")
        != null;
  }

  @Test
  void explicitCudaOnCpuBuildFailsAtStartWithTheReason() {
    assumeTrue(!gpuBuild(), "GPU build: CUDA may load here");
    ModelLoadException ex =
        assertThrows(
            ModelLoadException.class,
            () -> OnnxEmbedder.open(write(MODEL), DeviceSpec.parse("cuda:0"), 1));
    assertTrue(
        ex.getMessage().contains("cuda:0") && ex.getMessage().contains("CUDA"), ex.getMessage());
  }

  @Test
  void autoFallsBackToCpuWhenCudaCannotLoad() {
    assumeTrue(!gpuBuild(), "GPU build: auto may pick CUDA here");
    try (OnnxEmbedder e = OnnxEmbedder.open(write(MODEL), DeviceSpec.parse("auto"), 1)) {
      assertEquals("cpu", e.device());
      float[] x = random(48, 3);
      assertArrayEquals(expected(x, 0), e.embed(x, 1)[0], 1e-5f);
    }
  }

  /** Runs only with -Pgpu on a CUDA host: {@code mvn -Pgpu -Dsurefire.excludedGroups= ...}. */
  @Test
  @Tag("gpu")
  void cudaEmbeddingsMatchCpu() {
    float[] x = random(7 * 48, 4);
    float[][] cpu;
    try (OnnxEmbedder e = OnnxEmbedder.open(write(MODEL), DeviceSpec.cpu(), 1)) {
      cpu = e.embed(x, 7);
    }
    try (OnnxEmbedder e = OnnxEmbedder.open(write(MODEL), DeviceSpec.parse("cuda:0"), 1)) {
      assertEquals("cuda:0", e.device());
      float[][] gpu = e.embed(x, 7);
      for (int b = 0; b < 7; b++) {
        assertArrayEquals(cpu[b], gpu[b], 1e-4f);
      }
    }
  }
}
