package io.facegate.trainer.finetune;

import ai.onnx.proto.OnnxMl;
import io.facegate.model.onnx.TinyOnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A contract backbone built inside the test (no weights committed): {@link TinyOnnxModel}'s
 * centred, pooled pixels of a 32 x 32 grey input, 64-d, in {@code dir/model.onnx}.
 */
final class TinyBackbone {

  static final String VERSION = "tiny-backbone";
  static final int DIM = 64;

  private TinyBackbone() {}

  static Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    return TinyOnnxModel.pooling(VERSION, 32, 32, 1, 4, 0.5f)
        .centred()
        .write(dir.resolve("model.onnx"));
  }

  /** The same backbone, but its output multiplied by NaN: a broken import. */
  static Path writeNaN(Path dir) throws IOException {
    Path file = write(dir);
    OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
    OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
    for (int n = 0; n < g.getNodeCount(); n++) {
      OnnxMl.NodeProto.Builder node = g.getNodeBuilder(n);
      for (int i = 0; i < node.getOutputCount(); i++) {
        if (node.getOutput(i).equals("embedding")) {
          node.setOutput(i, "finite");
        }
      }
    }
    g.addInitializer(
        OnnxMl.TensorProto.newBuilder()
            .setName("nan")
            .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
            .addFloatData(Float.NaN));
    g.addNode(
        OnnxMl.NodeProto.newBuilder()
            .setName("poison")
            .setOpType("Mul")
            .addInput("finite")
            .addInput("nan")
            .addOutput("embedding"));
    Files.write(file, m.toBuilder().setGraph(g).build().toByteArray());
    return file;
  }
}
