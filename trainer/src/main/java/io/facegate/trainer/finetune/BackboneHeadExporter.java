package io.facegate.trainer.finetune;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import io.facegate.model.metadata.ModelMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes backbone + head as one ONNX graph that meets the model contract: the backbone's graph
 * unchanged except that its {@code embedding} output becomes an internal value, followed by the
 * head as {@code Gemm} (+ {@code Relu}) nodes and an {@code LpNormalization}, whose output is the
 * new {@code embedding [batch, d]}. The backbone's opsets, input and companions stay valid: the
 * landmark model named by the metadata's alignment and the face detector named by its detection are
 * copied beside the new file. All {@code facegate.*} metadata is replaced by the given metadata;
 * other metadata entries are kept.
 */
public final class BackboneHeadExporter {

  /** The contract's output name. */
  static final String OUTPUT = "embedding";

  private static final String PREFIX = "facegate_head_";

  private BackboneHeadExporter() {}

  /**
   * Reads the backbone at {@code backboneFile}, appends {@code layers} and writes {@code outFile}
   * (and the companions beside it).
   *
   * @throws IOException when a file cannot be read or written
   * @throws IllegalArgumentException when the backbone graph cannot be extended (no {@code
   *     embedding} output, external tensor data)
   */
  public static void write(
      Path backboneFile,
      List<ProjectionHead.Dense> layers,
      ModelMetadata metadata,
      String producerVersion,
      Path outFile)
      throws IOException {
    OnnxMl.ModelProto backbone = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(backboneFile));
    Files.write(outFile, combine(backbone, layers, metadata, producerVersion).toByteArray());
    List<String> companions = new ArrayList<>();
    if (metadata.alignment() != null) {
      companions.add(metadata.alignment().landmarksModel());
    }
    if (metadata.detection() != null) {
      companions.add(metadata.detection().detectorModel());
    }
    for (String companion : companions) {
      Path source = backboneFile.toAbsolutePath().getParent().resolve(companion);
      if (!Files.isRegularFile(source)) {
        throw new IOException("the backbone's companion model " + source + " is missing");
      }
      Path target = outFile.toAbsolutePath().getParent().resolve(companion);
      if (!source.normalize().equals(target.normalize())) {
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** The combined model. */
  static OnnxMl.ModelProto combine(
      OnnxMl.ModelProto backbone,
      List<ProjectionHead.Dense> layers,
      ModelMetadata metadata,
      String producerVersion) {
    OnnxMl.GraphProto.Builder graph = backbone.getGraph().toBuilder();
    int outIndex = -1;
    for (int i = 0; i < graph.getOutputCount(); i++) {
      if (OUTPUT.equals(graph.getOutput(i).getName())) {
        outIndex = i;
      }
    }
    if (outIndex < 0) {
      throw new IllegalArgumentException("the backbone has no output named '" + OUTPUT + "'");
    }
    for (OnnxMl.TensorProto t : graph.getInitializerList()) {
      if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
        throw new IllegalArgumentException(
            "the backbone keeps tensor "
                + t.getName()
                + " in an external file; re-import it with the weights inside the model");
      }
    }
    OnnxMl.TensorShapeProto.Dimension batch =
        graph.getOutput(outIndex).getType().getTensorType().getShape().getDim(0);
    String inner = PREFIX + "backbone_embedding";
    rename(graph, OUTPUT, inner);
    graph.removeOutput(outIndex);

    String x = inner;
    for (int i = 0; i < layers.size(); i++) {
      ProjectionHead.Dense d = layers.get(i);
      String w = tensor(graph, PREFIX + "w" + i, d.weight(), d.out(), d.in());
      String b = tensor(graph, PREFIX + "b" + i, d.bias(), d.out());
      String z = PREFIX + "z" + i;
      graph.addNode(
          OnnxMl.NodeProto.newBuilder()
              .setName(PREFIX + "gemm" + i)
              .setOpType("Gemm")
              .addInput(x)
              .addInput(w)
              .addInput(b)
              .addOutput(z)
              .addAttribute(floatAttr("alpha", 1f))
              .addAttribute(floatAttr("beta", 1f))
              .addAttribute(intAttr("transB", 1)));
      x = z;
      if (d.reluAfter()) {
        String a = PREFIX + "relu" + i;
        graph.addNode(
            OnnxMl.NodeProto.newBuilder().setName(a).setOpType("Relu").addInput(x).addOutput(a));
        x = a;
      }
    }
    graph.addNode(
        OnnxMl.NodeProto.newBuilder()
            .setName(PREFIX + "l2norm")
            .setOpType("LpNormalization")
            .addInput(x)
            .addOutput(OUTPUT)
            .addAttribute(intAttr("axis", 1))
            .addAttribute(intAttr("p", 2)));
    int d = layers.get(layers.size() - 1).out();
    graph.addOutput(
        OnnxMl.ValueInfoProto.newBuilder()
            .setName(OUTPUT)
            .setType(
                OnnxMl.TypeProto.newBuilder()
                    .setTensorType(
                        OnnxMl.TypeProto.Tensor.newBuilder()
                            .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                            .setShape(
                                OnnxMl.TensorShapeProto.newBuilder()
                                    .addDim(batch)
                                    .addDim(
                                        OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                            .setDimValue(d))))));

    OnnxMl.ModelProto.Builder model =
        backbone.toBuilder()
            .setGraph(graph)
            .setProducerName("facegate-trainer")
            .setProducerVersion(producerVersion)
            .setDocString(
                "Pretrained backbone + fine-tuned projection head; distance = Euclidean on the "
                    + "L2-normalised output")
            .clearMetadataProps();
    Map<String, String> props = new TreeMap<>();
    for (OnnxMl.StringStringEntryProto e : backbone.getMetadataPropsList()) {
      if (!e.getKey().startsWith(ModelMetadata.PREFIX)) {
        props.put(e.getKey(), e.getValue());
      }
    }
    props.putAll(metadata.toProperties());
    props.forEach(
        (k, v) ->
            model.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return model.build();
  }

  private static void rename(OnnxMl.GraphProto.Builder graph, String from, String to) {
    for (int n = 0; n < graph.getNodeCount(); n++) {
      OnnxMl.NodeProto.Builder node = graph.getNodeBuilder(n);
      for (int i = 0; i < node.getInputCount(); i++) {
        if (from.equals(node.getInput(i))) {
          node.setInput(i, to);
        }
      }
      for (int i = 0; i < node.getOutputCount(); i++) {
        if (from.equals(node.getOutput(i))) {
          node.setOutput(i, to);
        }
      }
    }
    for (int i = 0; i < graph.getValueInfoCount(); i++) {
      if (from.equals(graph.getValueInfo(i).getName())) {
        graph.getValueInfoBuilder(i).setName(to);
      }
    }
  }

  private static String tensor(
      OnnxMl.GraphProto.Builder graph, String name, float[] values, long... dims) {
    ByteBuffer buf =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    OnnxMl.TensorProto.Builder t =
        OnnxMl.TensorProto.newBuilder()
            .setName(name)
            .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
            .setRawData(ByteString.copyFrom(buf.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    graph.addInitializer(t);
    return name;
  }

  private static OnnxMl.AttributeProto intAttr(String name, long value) {
    return OnnxMl.AttributeProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  private static OnnxMl.AttributeProto floatAttr(String name, float value) {
    return OnnxMl.AttributeProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.FLOAT)
        .setF(value)
        .build();
  }
}
