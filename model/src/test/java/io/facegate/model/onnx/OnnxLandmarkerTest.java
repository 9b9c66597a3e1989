package io.facegate.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.facegate.model.preprocess.RawImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxLandmarkerTest {

  @TempDir Path dir;

  /**
   * A landmark "network" whose every output is {@code gain * mean(input) + bias}: constant answers
   * test the mapping back to crop pixels, the gain tests the input the network sees.
   */
  private Path model(String input, String output, int size, float gain, float bias)
      throws IOException {
    OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("fake_landmarks");
    g.addInput(valueInfo(input, 3, size, size));
    g.addOutput(valueInfo(output, 136));
    g.addInitializer(floats("gain", new long[] {1, 136}, gain));
    g.addInitializer(floats("bias", new long[] {136}, bias));
    g.addNode(
        OnnxMl.NodeProto.newBuilder()
            .setOpType("ReduceMean")
            .addInput(input)
            .addOutput("m")
            .addAttribute(
                OnnxMl.AttributeProto.newBuilder()
                    .setName("axes")
                    .setType(OnnxMl.AttributeProto.AttributeType.INTS)
                    .addInts(1)
                    .addInts(2)
                    .addInts(3))
            .addAttribute(
                OnnxMl.AttributeProto.newBuilder()
                    .setName("keepdims")
                    .setType(OnnxMl.AttributeProto.AttributeType.INT)
                    .setI(0)));
    g.addNode(
        OnnxMl.NodeProto.newBuilder()
            .setOpType("Unsqueeze")
            .addInput("m")
            .addInput("one_axis")
            .addOutput("m1"));
    g.addInitializer(
        OnnxMl.TensorProto.newBuilder()
            .setName("one_axis")
            .addDims(1)
            .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber())
            .addInt64Data(1));
    g.addNode(
        OnnxMl.NodeProto.newBuilder()
            .setOpType("MatMul")
            .addInput("m1")
            .addInput("gain")
            .addOutput("mg"));
    g.addNode(
        OnnxMl.NodeProto.newBuilder()
            .setOpType("Add")
            .addInput("mg")
            .addInput("bias")
            .addOutput(output));
    OnnxMl.ModelProto m =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(8)
            .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
            .setGraph(g)
            .build();
    Path file = dir.resolve(input + output + size + gain + bias + ".onnx");
    Files.write(file, m.toByteArray());
    return file;
  }

  private static OnnxMl.TensorProto floats(String name, long[] dims, float value) {
    OnnxMl.TensorProto.Builder t =
        OnnxMl.TensorProto.newBuilder()
            .setName(name)
            .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber());
    long n = 1;
    for (long d : dims) {
      t.addDims(d);
      n *= d;
    }
    for (long i = 0; i < n; i++) {
      t.addFloatData(value);
    }
    return t.build();
  }

  private static OnnxMl.ValueInfoProto valueInfo(String name, long... dims) {
    OnnxMl.TensorShapeProto.Builder shape =
        OnnxMl.TensorShapeProto.newBuilder()
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
    for (long d : dims) {
      shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .setShape(shape)))
        .build();
  }

  private static RawImage white(int w, int h) {
    byte[] px = new byte[w * h];
    java.util.Arrays.fill(px, (byte) 255);
    return new RawImage(w, h, 1, px);
  }

  @Test
  void answersMapFromThePaddedSquareToCropPixels() throws IOException {
    try (OnnxLandmarker lm =
        OnnxLandmarker.open(model("input", "landmarks", 16, 0, 0.5f), DeviceSpec.parse("cpu"), 1)) {
      float[][] out = lm.locate(List.of(white(40, 80), white(90, 30), white(20, 20)));
      assertEquals(3, out.length);
      assertEquals(20, out[0][0], 1e-4, "centre of a tall crop");
      assertEquals(40, out[0][1], 1e-4);
      assertEquals(45, out[1][10], 1e-4, "centre of a wide crop");
      assertEquals(15, out[1][11], 1e-4);
      assertEquals(10, out[2][134], 1e-4);
    }
    try (OnnxLandmarker lm =
        OnnxLandmarker.open(model("input", "landmarks", 16, 0, 0f), DeviceSpec.parse("cpu"), 1)) {
      float[] xy = lm.locate(List.of(white(40, 80)))[0];
      assertEquals(
          -20, xy[0], 1e-4, "the square's corner lies left of a tall crop by half the padding");
      assertEquals(0, xy[1], 1e-4);
    }
  }

  @Test
  void theNetworkSeesTheCropOnBlackPaddingScaledToOne() throws IOException {
    try (OnnxLandmarker lm =
        OnnxLandmarker.open(model("input", "landmarks", 16, 1, 0), DeviceSpec.parse("cpu"), 1)) {
      float square = lm.locate(List.of(white(32, 32)))[0][0];
      assertEquals(32, square, 1e-3, "mean 1 of a white square, times its side");
      float tall = lm.locate(List.of(white(16, 32)))[0][0];
      double mean = (tall + 8) / 32.0;
      assertTrue(mean > 0.4 && mean < 0.6, "half the square is padding: mean " + mean);
    }
  }

  @Test
  void refusesModelsThatBreakTheContract() throws IOException {
    assertThrows(
        ModelLoadException.class,
        () ->
            OnnxLandmarker.open(model("image", "landmarks", 16, 0, 0), DeviceSpec.parse("cpu"), 1));
    assertThrows(
        ModelLoadException.class,
        () -> OnnxLandmarker.open(model("input", "points", 16, 0, 0), DeviceSpec.parse("cpu"), 1));
    assertThrows(
        ModelLoadException.class,
        () -> OnnxLandmarker.open(dir.resolve("missing.onnx"), DeviceSpec.parse("cpu"), 1));
  }
}
