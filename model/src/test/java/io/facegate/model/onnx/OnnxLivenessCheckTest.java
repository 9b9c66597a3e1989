package io.facegate.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.facegate.model.liveness.LivenessVerdict;
import io.facegate.model.preprocess.RawImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX liveness check against a stand-in model built here: its score is the input's mean (RGB /
 * 255), so bright crops are "live" and dark ones are not; a variant answers NaN for dark crops.
 */
class OnnxLivenessCheckTest {

  @TempDir Path dir;

  private static RawImage flat(int w, int h, int channels, int value) {
    byte[] px = new byte[w * h * channels];
    Arrays.fill(px, (byte) value);
    return new RawImage(w, h, channels, px);
  }

  @Test
  void liveWhenScoreReachesThresholdAndScoreIsTheModelsOutput() {
    Path file =
        model(8, "liveness", "liveness", Map.of(OnnxLivenessCheck.NETWORK_KEY, "stand-in"), false);
    try (OnnxLivenessCheck check = OnnxLivenessCheck.open(file, DeviceSpec.parse("cpu"), 1, 0.5f)) {
      assertEquals(8, check.inputSize());
      // crops of other sizes and grey ones go through the shared pre-processing
      List<LivenessVerdict> v =
          check.check(
              List.of(
                  flat(40, 50, 3, 255),
                  flat(20, 20, 1, 0),
                  flat(16, 16, 3, 128),
                  flat(16, 16, 3, 127)));
      assertEquals(4, v.size());
      assertTrue(v.get(0).checked() && v.get(0).live());
      assertEquals(1f, v.get(0).score(), 1e-6f);
      assertFalse(v.get(1).live());
      assertEquals(0f, v.get(1).score(), 1e-6f);
      assertTrue(v.get(2).live(), "128/255 >= 0.5");
      assertFalse(v.get(3).live(), "127/255 < 0.5");
      assertEquals("stand-in >= 0.500", check.describe());
      assertEquals(0, check.check(List.of()).size());
    }
  }

  @Test
  void nanScoreIsNeverLive() {
    Path file =
        model(8, "liveness", "liveness", Map.of(OnnxLivenessCheck.NETWORK_KEY, "nan"), true);
    try (OnnxLivenessCheck check = OnnxLivenessCheck.open(file, DeviceSpec.parse("cpu"), 1, 0f)) {
      List<LivenessVerdict> v = check.check(List.of(flat(8, 8, 3, 0), flat(8, 8, 3, 255)));
      assertTrue(Float.isNaN(v.get(0).score()));
      assertTrue(v.get(0).checked());
      assertFalse(v.get(0).live(), "NaN must fail closed even at threshold 0");
      assertTrue(v.get(1).live());
    }
  }

  @Test
  void refusesModelsOutsideTheContract() {
    Map<String, String> meta = Map.of(OnnxLivenessCheck.NETWORK_KEY, "x");
    DeviceSpec cpu = DeviceSpec.parse("cpu");
    Path noMeta = model(8, "liveness", "liveness", Map.of(), false);
    assertTrue(
        assertThrows(ModelLoadException.class, () -> OnnxLivenessCheck.open(noMeta, cpu, 1, 0.5f))
            .getMessage()
            .contains(OnnxLivenessCheck.NETWORK_KEY));
    Path wrongOut = model(8, "liveness", "embedding", meta, false);
    assertThrows(ModelLoadException.class, () -> OnnxLivenessCheck.open(wrongOut, cpu, 1, 0.5f));
    Path wrongIn = model(8, "image", "liveness", meta, false);
    assertThrows(ModelLoadException.class, () -> OnnxLivenessCheck.open(wrongIn, cpu, 1, 0.5f));
    Path ok = model(8, "liveness", "liveness", meta, false);
    assertThrows(
        IllegalArgumentException.class, () -> OnnxLivenessCheck.open(ok, cpu, 1, Float.NaN));
    assertThrows(IllegalArgumentException.class, () -> OnnxLivenessCheck.open(ok, cpu, 1, 1.5f));
    assertThrows(
        ModelLoadException.class,
        () -> OnnxLivenessCheck.open(dir.resolve("none.onnx"), cpu, 1, 0.5f));
  }

  /**
   * {@code input [b,3,S,S] -> ReduceMean(1,2,3) -> Flatten -> [b,1]}; with {@code nanWhenDark} the
   * score is {@code sqrt(mean - 0.25)}, NaN below a quarter of full brightness.
   */
  private Path model(
      int size,
      String inputName,
      String outputName,
      Map<String, String> meta,
      boolean nanWhenDark) {
    OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("tiny_liveness");
    String in = "liveness".equals(inputName) ? OnnxLivenessCheck.INPUT : inputName;
    g.addInput(valueInfo(in, 3, size, size));
    g.addOutput(valueInfo(outputName, 1));
    g.addNode(
        OnnxMl.NodeProto.newBuilder()
            .setName("mean")
            .setOpType("ReduceMean")
            .addInput(in)
            .addOutput("mu")
            .addAttribute(
                OnnxMl.AttributeProto.newBuilder()
                    .setName("axes")
                    .setType(OnnxMl.AttributeProto.AttributeType.INTS)
                    .addInts(1)
                    .addInts(2)
                    .addInts(3)));
    String flatOut = nanWhenDark ? "flat" : outputName;
    g.addNode(
        OnnxMl.NodeProto.newBuilder()
            .setName("flatten")
            .setOpType("Flatten")
            .addInput("mu")
            .addOutput(flatOut)
            .addAttribute(
                OnnxMl.AttributeProto.newBuilder()
                    .setName("axis")
                    .setType(OnnxMl.AttributeProto.AttributeType.INT)
                    .setI(1)));
    if (nanWhenDark) {
      g.addInitializer(
          OnnxMl.TensorProto.newBuilder()
              .setName("quarter")
              .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
              .addFloatData(0.25f));
      g.addNode(
          OnnxMl.NodeProto.newBuilder()
              .setName("sub")
              .setOpType("Sub")
              .addInput("flat")
              .addInput("quarter")
              .addOutput("shifted"));
      g.addNode(
          OnnxMl.NodeProto.newBuilder()
              .setName("sqrt")
              .setOpType("Sqrt")
              .addInput("shifted")
              .addOutput(outputName));
    }
    OnnxMl.ModelProto.Builder m =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("facegate-test")
            .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
            .setGraph(g);
    meta.forEach(
        (k, v) ->
            m.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    try {
      Path file = Files.createTempFile(dir, "liveness", ".onnx");
      Files.write(file, m.build().toByteArray());
      return file;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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
}
