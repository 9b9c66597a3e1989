package io.facegate.trainer.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCostTest {
  @TempDir Path dir;

  /**
   * input [N,1,8,8] -> Conv 4 x (1x3x3), pad 1 -> [N,4,8,8] -> Flatten -> [N,256] -> Gemm 256x16 ->
   * [N,16] -> MatMul 16x8 -> [N,8]: 4*8*8*9 + 16*256 + 8*16 = 2304 + 4096 + 128 multiply-adds.
   */
  @Test
  void countsConvGemmAndMatMulFromTheShapesOnnxRuntimeProduces() throws IOException {
    Path file = dir.resolve("m.onnx");
    Files.write(file, model(false).toByteArray());
    ModelCost cost = ModelCost.of(file);
    assertEquals(2304 + 4096 + 128, cost.multiplyAdds());
    assertEquals(36 + 4 + 4096 + 16 + 128, cost.parameters());
    assertEquals(Files.size(file), cost.modelBytes());
  }

  @Test
  void aGemmWithTransposedLeftOperandCountsItsFirstAxis() throws IOException {
    // transA=1 on a [256, N] operand is the same product: the count must not change
    Path file = dir.resolve("t.onnx");
    Files.write(file, model(true).toByteArray());
    assertEquals(2304 + 4096 + 128, ModelCost.of(file).multiplyAdds());
  }

  @Test
  void notAModelIsAnIoError() throws IOException {
    Path file = Files.write(dir.resolve("bad.onnx"), new byte[] {1, 2, 3, 4});
    assertThrows(IOException.class, () -> ModelCost.of(file));
  }

  private static OnnxMl.ModelProto model(boolean transA) {
    OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("cost");
    g.addInput(info("input", -1, 1, 8, 8));
    g.addOutput(info("out", -1, 8));
    g.addInitializer(floats("w", 4, 1, 3, 3))
        .addInitializer(floats("b", 4))
        .addInitializer(floats("g", 256, 16))
        .addInitializer(floats("gb", 16))
        .addInitializer(floats("m", 16, 8));
    g.addNode(
        node("Conv", "input", "w", "b")
            .setOutput(0, "c")
            .addAttribute(ints("pads", 1, 1, 1, 1))
            .addAttribute(ints("kernel_shape", 3, 3)));
    g.addNode(
        node("Flatten", "c")
            .setOutput(0, "f")
            .addAttribute(
                OnnxMl.AttributeProto.newBuilder()
                    .setName("axis")
                    .setType(OnnxMl.AttributeProto.AttributeType.INT)
                    .setI(1)));
    String left = "f";
    if (transA) {
      g.addNode(node("Transpose", "f").setOutput(0, "ft"));
      left = "ft";
    }
    g.addNode(
        node("Gemm", left, "g", "gb")
            .setOutput(0, "e")
            .addAttribute(
                OnnxMl.AttributeProto.newBuilder()
                    .setName("transA")
                    .setType(OnnxMl.AttributeProto.AttributeType.INT)
                    .setI(transA ? 1 : 0)));
    g.addNode(node("MatMul", "e", "m").setOutput(0, "out"));
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .setGraph(g)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
        .build();
  }

  private static OnnxMl.NodeProto.Builder node(String op, String... inputs) {
    OnnxMl.NodeProto.Builder n =
        OnnxMl.NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase()).addOutput("");
    for (String i : inputs) {
      n.addInput(i);
    }
    return n;
  }

  private static OnnxMl.AttributeProto ints(String name, long... v) {
    OnnxMl.AttributeProto.Builder a =
        OnnxMl.AttributeProto.newBuilder()
            .setName(name)
            .setType(OnnxMl.AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  private static OnnxMl.TensorProto floats(String name, long... dims) {
    int n = 1;
    for (long d : dims) {
      n *= (int) d;
    }
    ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putFloat(0.01f * (i % 7));
    }
    OnnxMl.TensorProto.Builder t =
        OnnxMl.TensorProto.newBuilder()
            .setName(name)
            .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
            .setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  private static OnnxMl.ValueInfoProto info(String name, long... dims) {
    OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(
          d < 0
              ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
              : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .setShape(s)))
        .build();
  }
}
