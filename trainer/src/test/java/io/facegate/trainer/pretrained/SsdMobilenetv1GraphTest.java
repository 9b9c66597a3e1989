package io.facegate.trainer.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The graph's wiring without the real weights: every conv filter is zero, so each predictor outputs
 * its bias and the outputs show where each anchor's values land. Bias {@code j} of predictor {@code
 * k} is {@code 100 k + j}, so anchor {@code a} of a cell in block {@code k} must carry encodings
 * {@code 100 k + 4 a + c} and face logit {@code 100 k + 3 a + 1}, in TF's row, column, anchor order
 * and face-api's block order.
 */
class SsdMobilenetv1GraphTest {
  /** Feature map side and anchors per cell of each predictor, as face-api's SSD has them. */
  private static final int[][] BLOCKS = {{32, 3}, {16, 6}, {8, 6}, {4, 6}, {2, 6}, {1, 6}};

  private static final int[] PREDICTOR_INPUTS = {512, 1024, 512, 256, 256, 128};

  @TempDir Path dir;

  private final ObjectMapper json = new ObjectMapper();
  private final ArrayNode specs = json.createArrayNode();
  private final ByteArrayOutputStream shard = new ByteArrayOutputStream();

  /** A weight of zeros, stored as uint8 0 with min 0 (one byte per value). */
  private void zeros(String name, int... shape) {
    ObjectNode w = spec(name, shape);
    w.putObject("quantization").put("dtype", "uint8").put("scale", 1.0).put("min", 0.0);
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    shard.writeBytes(new byte[n]);
  }

  private void floats(String name, float[] values, int... shape) {
    spec(name, shape);
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    shard.writeBytes(b.array());
  }

  private ObjectNode spec(String name, int... shape) {
    ObjectNode w = specs.addObject().put("name", name).put("dtype", "float32");
    ArrayNode s = w.putArray("shape");
    for (int d : shape) {
      s.add(d);
    }
    return w;
  }

  private static float[] ramp(int n, float base) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = base + i;
    }
    return v;
  }

  private TfjsWeights syntheticWeights(boolean withAnchors) throws Exception {
    int[] channels = {32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024};
    zeros("MobilenetV1/Conv2d_0_pointwise/weights", 3, 3, 3, 32);
    zeros("MobilenetV1/Conv2d_0_pointwise/convolution_bn_offset", 32);
    for (int i = 1; i <= 13; i++) {
      String d = "MobilenetV1/Conv2d_" + i + "_depthwise/";
      int c = channels[i - 1];
      zeros(d + "depthwise_weights", 3, 3, c, 1);
      for (String bn : new String[] {"gamma", "beta", "moving_mean", "moving_variance"}) {
        zeros(d + "BatchNorm/" + bn, c);
      }
      zeros("MobilenetV1/Conv2d_" + i + "_pointwise/weights", 1, 1, c, channels[i]);
      zeros("MobilenetV1/Conv2d_" + i + "_pointwise/convolution_bn_offset", channels[i]);
    }
    int[][] prediction = {
      {1024, 256, 1},
      {256, 512, 3},
      {512, 128, 1},
      {128, 256, 3},
      {256, 128, 1},
      {128, 256, 3},
      {256, 64, 1},
      {64, 128, 3}
    };
    for (int i = 0; i < prediction.length; i++) {
      int[] p = prediction[i];
      zeros("Prediction/Conv2d_" + i + "_pointwise/weights", p[2], p[2], p[0], p[1]);
      zeros("Prediction/Conv2d_" + i + "_pointwise/convolution_bn_offset", p[1]);
    }
    for (int k = 0; k < BLOCKS.length; k++) {
      int a = BLOCKS[k][1];
      String p = "Prediction/BoxPredictor_" + k + "/";
      zeros(p + "BoxEncodingPredictor/weights", 1, 1, PREDICTOR_INPUTS[k], 4 * a);
      floats(p + "BoxEncodingPredictor/biases", ramp(4 * a, 100 * k), 4 * a);
      zeros(p + "ClassPredictor/weights", 1, 1, PREDICTOR_INPUTS[k], 3 * a);
      floats(p + "ClassPredictor/biases", ramp(3 * a, 100 * k), 3 * a);
    }
    if (withAnchors) {
      float[] anchors = new float[5118 * 4];
      for (int i = 0; i < anchors.length; i++) {
        anchors[i] = i / 1000f;
      }
      floats("Output/extra_dim", anchors, 1, 5118, 4);
    }
    ArrayNode manifest = json.createArrayNode();
    ObjectNode group = manifest.addObject();
    group.putArray("paths").add("w.bin");
    group.set("weights", specs);
    Files.write(dir.resolve("w.bin"), shard.toByteArray());
    Path m = dir.resolve("w-weights_manifest.json");
    json.writeValue(m.toFile(), manifest);
    return TfjsWeights.readManifest(m);
  }

  @Test
  void eachAnchorGetsItsPredictorsValuesInTfOrder() throws Exception {
    OnnxMl.ModelProto model =
        SsdMobilenetv1Graph.build(syntheticWeights(true), Map.of("package", "synthetic"), "test");
    Path file = Files.write(dir.resolve("ssd.onnx"), model.toByteArray());
    int batch = 2;
    float[] image = new float[batch * 3 * 512 * 512];
    Random rnd = new Random(7);
    for (int i = 0; i < image.length; i++) {
      image[i] = rnd.nextFloat();
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession s = env.createSession(file.toString(), o);
        OnnxTensor in =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(image), new long[] {batch, 3, 512, 512});
        OrtSession.Result r = s.run(Map.of(SsdMobilenetv1Graph.INPUT, in))) {
      float[][][] enc = (float[][][]) r.get(SsdMobilenetv1Graph.BOX_ENCODINGS).get().getValue();
      float[][] logits = (float[][]) r.get(SsdMobilenetv1Graph.CLASS_LOGITS).get().getValue();
      float[][] anchors = (float[][]) r.get(SsdMobilenetv1Graph.ANCHORS).get().getValue();
      assertEquals(batch, enc.length);
      assertEquals(5118, enc[0].length);
      assertEquals(5118, logits[1].length);
      for (int b = 0; b < batch; b++) {
        int anchor = 0;
        for (int k = 0; k < BLOCKS.length; k++) {
          int cells = BLOCKS[k][0] * BLOCKS[k][0];
          int per = BLOCKS[k][1];
          for (int cell = 0; cell < cells; cell++) {
            for (int a = 0; a < per; a++, anchor++) {
              for (int c = 0; c < 4; c++) {
                assertEquals(100 * k + 4 * a + c, enc[b][anchor][c], "encoding " + anchor);
              }
              assertEquals(100 * k + 3 * a + 1, logits[b][anchor], "logit " + anchor);
            }
          }
        }
        assertEquals(5118, anchor);
      }
      assertEquals(1.234f, anchors[308][2], 1e-6f); // value 1234 of extra_dim
      assertEquals(5.118f * 4 - 0.001f, anchors[5117][3], 1e-5f);
    }
    Map<String, String> meta = new java.util.TreeMap<>();
    model.getMetadataPropsList().forEach(p -> meta.put(p.getKey(), p.getValue()));
    assertEquals(SsdMobilenetv1Graph.KIND, meta.get(SsdMobilenetv1Graph.KIND_KEY));
    assertEquals("synthetic", meta.get("facegate.provenance.package"));
  }

  @Test
  void refusesWeightsWithoutTheAnchors() throws Exception {
    TfjsWeights w = syntheticWeights(false);
    assertThrows(TfjsFormatException.class, () -> SsdMobilenetv1Graph.build(w, Map.of(), "test"));
  }
}
