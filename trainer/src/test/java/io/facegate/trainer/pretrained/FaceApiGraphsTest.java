package io.facegate.trainer.pretrained;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.ModelLoadException;
import io.facegate.model.onnx.OnnxEmbedder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The graph builders without downloaded weights: face-api's networks at their real input sizes and
 * structure but a few channels wide, with seeded random weights written as a TF.js manifest and
 * shard, run in ONNX Runtime and compared with {@link TfReference}, a naive NHWC forward pass
 * written from face-api's TypeScript. Tolerance 1e-4 relative to the output's largest magnitude.
 */
class FaceApiGraphsTest {

  private static final float[] MEAN = {122.782f, 117.001f, 104.298f};
  private static final String[] RESIDUAL_STAGES = {
    "conv32_1", "conv32_2", "conv32_3", "conv64_down", "conv64_1", "conv64_2", "conv64_3",
    "conv128_down", "conv128_1", "conv128_2", "conv256_down", "conv256_1", "conv256_2",
        "conv256_down_out"
  };

  @TempDir Path dir;

  @Test
  void tfSamePaddingPutsTheOddPixelAfterAndValidPadsNothing() {
    assertArrayEquals(new int[] {0, 1}, TfOpsGraph.tfPads(112, 3, 2, TfOpsGraph.Padding.SAME));
    assertArrayEquals(new int[] {1, 1}, TfOpsGraph.tfPads(35, 3, 1, TfOpsGraph.Padding.SAME));
    assertArrayEquals(new int[] {1, 1}, TfOpsGraph.tfPads(7, 3, 2, TfOpsGraph.Padding.SAME));
    assertArrayEquals(new int[] {0, 0}, TfOpsGraph.tfPads(150, 7, 2, TfOpsGraph.Padding.VALID));
    assertEquals(72, TfOpsGraph.outputSize(150, 7, 2, TfOpsGraph.Padding.VALID));
    assertEquals(4, TfOpsGraph.outputSize(7, 3, 2, TfOpsGraph.Padding.SAME));
  }

  @Test
  void recognitionGraphComputesFaceApisForwardPassAndItsL2NormalisedEmbedding() throws Exception {
    RandomTfjsModel m = recognitionWeights(4, 16);
    byte[] onnx = recognitionModel(m);
    int[][][][] images = randomImages(2, 150, 3);
    Map<String, float[][]> out = run(onnx, images);
    float[][] raw = out.get(FaceRecognitionNetOnnx.RAW);
    float[][] embedding = out.get(OnnxEmbedder.OUTPUT);
    for (int b = 0; b < images.length; b++) {
      float[] expected = recognitionReference(m, images[b]);
      assertClose(expected, raw[b], "raw descriptor of image " + b);
      double norm = 0;
      for (float v : raw[b]) {
        norm += v * v;
      }
      for (int i = 0; i < expected.length; i++) {
        assertEquals(
            raw[b][i] / Math.sqrt(norm), embedding[b][i], 1e-6, "embedding is raw / |raw|");
      }
    }
  }

  @Test
  void embedderLoadsTheRecognitionModelDespiteItsExtraRawOutput() throws Exception {
    RandomTfjsModel m = recognitionWeights(2, 8);
    Path file = Files.write(dir.resolve("rec.onnx"), recognitionModel(m));
    try (OnnxEmbedder embedder = OnnxEmbedder.open(file, DeviceSpec.cpu(), 1)) {
      assertEquals(FaceRecognitionNetOnnx.inputSpec(), embedder.metadata().input());
      assertEquals(8, embedder.metadata().embeddingDim());
      assertEquals("dlib-resnet", embedder.metadata().provenance().get("backbone"));
      float[][] e = embedder.embed(chw(randomImages(1, 150, 5)), 1);
      double norm = 0;
      for (float v : e[0]) {
        norm += v * v;
      }
      assertEquals(1.0, Math.sqrt(norm), 1e-5);
    }
  }

  @Test
  void landmarkGraphComputesFaceApisForwardPass() throws Exception {
    RandomTfjsModel m = landmarkWeights(4, new int[] {4, 8, 8, 8});
    byte[] onnx =
        FaceLandmark68NetOnnx.build(
            TfjsWeights.readManifest(m.write(dir, "lm")),
            FaceLandmark68NetOnnx.Variant.FULL,
            card(),
            "test");
    int[][][][] images = randomImages(2, 112, 7);
    float[][] got = run(onnx, images).get(FaceLandmark68NetOnnx.OUTPUT);
    for (int b = 0; b < images.length; b++) {
      assertClose(landmarkReference(m, images[b], 4), got[b], "landmarks of image " + b);
    }
  }

  @Test
  void tinyLandmarkGraphComputesFaceApisForwardPass() throws Exception {
    RandomTfjsModel m = landmarkWeights(3, new int[] {4, 8, 8});
    byte[] onnx =
        FaceLandmark68NetOnnx.build(
            TfjsWeights.readManifest(m.write(dir, "lmt")),
            FaceLandmark68NetOnnx.Variant.TINY,
            card(),
            "test");
    int[][][][] images = randomImages(1, 112, 9);
    float[][] got = run(onnx, images).get(FaceLandmark68NetOnnx.OUTPUT);
    assertClose(landmarkReference(m, images[0], 3), got[0], "tiny landmarks");
  }

  @Test
  void embedderRefusesALandmarkModel() throws Exception {
    RandomTfjsModel m = landmarkWeights(3, new int[] {2, 2, 2});
    Path file =
        Files.write(
            dir.resolve("lm.onnx"),
            FaceLandmark68NetOnnx.build(
                TfjsWeights.readManifest(m.write(dir, "lmt")),
                FaceLandmark68NetOnnx.Variant.TINY,
                card(),
                "test"));
    assertThrows(
        ModelLoadException.class, () -> OnnxEmbedder.open(file, DeviceSpec.cpu(), 1).close());
  }

  @Test
  void aWeightOfTheWrongShapeIsRefusedByName() throws Exception {
    RandomTfjsModel m = recognitionWeights(2, 8);
    m.add("conv32_1/conv2/scale/weights", 1f, 0f, 3);
    TfjsWeights w = TfjsWeights.readManifest(m.write(dir, "bad"));
    TfjsFormatException e =
        assertThrows(
            TfjsFormatException.class,
            () -> FaceRecognitionNetOnnx.build(w, card(), 0.6f, "test", Map.of(), null, "test"));
    assertTrue(e.getMessage().contains("conv32_1/conv2/scale/weights"), e.getMessage());
  }

  // ---- weights

  static RandomTfjsModel recognitionWeights(int width, int dim) {
    RandomTfjsModel m = new RandomTfjsModel(42);
    convLayer(m, "conv32_down", 7, 3, width);
    int c = width;
    for (String stage : RESIDUAL_STAGES) {
      int in = c;
      if (stage.endsWith("_down")) {
        c *= 2;
      }
      convLayer(m, stage + "/conv1", 3, in, c);
      convLayer(m, stage + "/conv2", 3, c, c);
    }
    m.addKernel("fc", c, c, dim);
    return m;
  }

  private static void convLayer(RandomTfjsModel m, String prefix, int k, int cin, int cout) {
    m.addKernel(prefix + "/conv/filters", k * k * cin, k, k, cin, cout);
    m.add(prefix + "/conv/bias", 0f, 0.1f, cout);
    m.add(prefix + "/scale/weights", 1f, 0.3f, cout);
    m.add(prefix + "/scale/biases", 0f, 0.2f, cout);
  }

  static RandomTfjsModel landmarkWeights(int convs, int[] widths) {
    RandomTfjsModel m = new RandomTfjsModel(7);
    int c = 3;
    for (int b = 0; b < widths.length; b++) {
      String p = "dense" + b;
      if (b == 0) {
        m.addKernel(p + "/conv0/filters", 27, 3, 3, 3, widths[0]);
        m.add(p + "/conv0/bias", 0f, 0.1f, widths[0]);
      } else {
        separable(m, p + "/conv0", c, widths[b]);
      }
      c = widths[b];
      for (int i = 1; i < convs; i++) {
        separable(m, p + "/conv" + i, c, c);
      }
    }
    m.addKernel("fc/weights", c, c, 136);
    m.add("fc/bias", 0.5f, 0.1f, 136);
    return m;
  }

  private static void separable(RandomTfjsModel m, String prefix, int cin, int cout) {
    m.addKernel(prefix + "/depthwise_filter", 9, 3, 3, cin, 1);
    m.addKernel(prefix + "/pointwise_filter", cin, 1, 1, cin, cout);
    m.add(prefix + "/bias", 0f, 0.1f, cout);
  }

  // ---- references, transcribed from face-api's TypeScript

  private static float[] recognitionReference(RandomTfjsModel m, int[][][] rgb) {
    float[][][] x = TfReference.normalise(rgb, MEAN);
    x = refConvLayer(m, x, "conv32_down", 7, 2, false, true);
    x = TfReference.pool(x, 3, 2, true);
    for (String stage : RESIDUAL_STAGES) {
      if (stage.contains("_down")) {
        float[][][] out = refConvLayer(m, x, stage + "/conv1", 3, 2, false, true);
        out = refConvLayer(m, out, stage + "/conv2", 3, 1, true, false);
        float[][][] pooled = TfReference.pool(x, 2, 2, false);
        if (pooled.length != out.length || pooled[0].length != out[0].length) {
          out = TfReference.padAfter(out, 1, 1, 0);
        }
        if (pooled[0][0].length != out[0][0].length) {
          pooled = TfReference.padAfter(pooled, 0, 0, pooled[0][0].length);
        }
        x = TfReference.relu(TfReference.add(pooled, out));
      } else {
        float[][][] out = refConvLayer(m, x, stage + "/conv1", 3, 1, true, true);
        out = refConvLayer(m, out, stage + "/conv2", 3, 1, true, false);
        x = TfReference.relu(TfReference.add(out, x));
      }
    }
    float[] fc = m.get("fc");
    return TfReference.matMul(TfReference.meanOverSpace(x), fc, fc.length / x[0][0].length, null);
  }

  private static float[][][] refConvLayer(
      RandomTfjsModel m,
      float[][][] x,
      String prefix,
      int k,
      int stride,
      boolean same,
      boolean relu) {
    float[] bias = m.get(prefix + "/conv/bias");
    float[][][] out =
        TfReference.conv2d(x, m.get(prefix + "/conv/filters"), k, bias.length, bias, stride, same);
    out =
        TfReference.affine(out, m.get(prefix + "/scale/weights"), m.get(prefix + "/scale/biases"));
    return relu ? TfReference.relu(out) : out;
  }

  private static float[] landmarkReference(RandomTfjsModel m, int[][][] rgb, int convs) {
    float[][][] x = TfReference.normalise(rgb, MEAN);
    int blocks = convs == 4 ? 4 : 3;
    for (int b = 0; b < blocks; b++) {
      String p = "dense" + b;
      float[][][] out1;
      if (b == 0) {
        float[] bias = m.get(p + "/conv0/bias");
        out1 = TfReference.conv2d(x, m.get(p + "/conv0/filters"), 3, bias.length, bias, 2, true);
      } else {
        out1 = refSeparable(m, x, p + "/conv0", 2);
      }
      out1 = TfReference.relu(out1);
      float[][][] out2 = refSeparable(m, out1, p + "/conv1", 1);
      float[][][] in3 = TfReference.relu(TfReference.add(out1, out2));
      float[][][] out3 = refSeparable(m, in3, p + "/conv2", 1);
      if (convs == 3) {
        x = TfReference.relu(TfReference.add(out1, TfReference.add(out2, out3)));
      } else {
        float[][][] in4 = TfReference.relu(TfReference.add(out1, TfReference.add(out2, out3)));
        float[][][] out4 = refSeparable(m, in4, p + "/conv3", 1);
        x =
            TfReference.relu(
                TfReference.add(out1, TfReference.add(out2, TfReference.add(out3, out4))));
      }
    }
    x = TfReference.pool(x, convs == 4 ? 7 : 14, 2, false);
    return TfReference.matMul(x[0][0], m.get("fc/weights"), 136, m.get("fc/bias"));
  }

  private static float[][][] refSeparable(
      RandomTfjsModel m, float[][][] x, String prefix, int stride) {
    float[] bias = m.get(prefix + "/bias");
    return TfReference.separable(
        x,
        m.get(prefix + "/depthwise_filter"),
        m.get(prefix + "/pointwise_filter"),
        bias.length,
        bias,
        stride);
  }

  // ---- running

  private static int[][][][] randomImages(int n, int size, long seed) {
    Random r = new Random(seed);
    int[][][][] images = new int[n][size][size][3];
    for (int[][][] img : images) {
      for (int[][] row : img) {
        for (int[] px : row) {
          for (int c = 0; c < 3; c++) {
            px[c] = r.nextInt(256);
          }
        }
      }
    }
    return images;
  }

  /** The contract input: NCHW, x / 255. */
  static float[] chw(int[][][]... images) {
    int size = images[0].length;
    float[] out = new float[images.length * 3 * size * size];
    int i = 0;
    for (int[][][] img : images) {
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < size; y++) {
          for (int x = 0; x < size; x++) {
            out[i++] = img[y][x][c] / 255f;
          }
        }
      }
    }
    return out;
  }

  private static Map<String, float[][]> run(byte[] model, int[][][][] images) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    int size = images[0].length;
    try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
        OnnxTensor in =
            OnnxTensor.createTensor(
                env, FloatBuffer.wrap(chw(images)), new long[] {images.length, 3, size, size});
        OrtSession.Result result = session.run(Map.of("input", in))) {
      Map<String, float[][]> out = new java.util.TreeMap<>();
      for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : result) {
        out.put(e.getKey(), (float[][]) e.getValue().getValue());
      }
      return out;
    }
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double scale = 1;
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(
        worst <= 1e-4 * scale, what + ": max abs diff " + worst + " at output scale " + scale);
  }

  private byte[] recognitionModel(RandomTfjsModel m) throws Exception {
    return FaceRecognitionNetOnnx.build(
        TfjsWeights.readManifest(m.write(dir, "rec")),
        card(),
        0.6f,
        "test",
        Map.of(),
        null,
        "test");
  }

  private static PretrainedCard card() {
    return new PretrainedCard(
        "test/random", "@vladmandic/face-api", "0.0.0-test", "unknown", "MIT", Map.of(), 0);
  }
}
