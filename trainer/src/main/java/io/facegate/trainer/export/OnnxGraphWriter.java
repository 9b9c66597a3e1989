package io.facegate.trainer.export;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds an ONNX graph from {@code ai.onnx.proto} messages: nodes of {@link CnnOperator}s with
 * sorted attributes, float and int64 initializers, inputs and outputs with a symbolic batch
 * dimension, and the model around them with sorted {@code metadata_props}. Shared by the trainer's
 * exporter and the pretrained-model importers, so every facegate model is written the same way and
 * byte-reproducibly (nothing time-dependent, attributes and metadata sorted).
 */
public final class OnnxGraphWriter {

  /** Name of the symbolic batch dimension. */
  public static final String BATCH = "batch";

  private final OnnxMl.GraphProto.Builder graph;
  private final Set<String> names = new HashSet<>();

  /**
   * @param graphName the graph's name
   */
  public OnnxGraphWriter(String graphName) {
    this.graph = OnnxMl.GraphProto.newBuilder().setName(graphName);
  }

  /**
   * Adds a node with one output.
   *
   * @param op the operator (its input count is checked)
   * @param name the node's name, unique in the graph
   * @param inputs input tensor names, in the operator's order
   * @param output the output tensor's name
   * @param attributes {@code Long}, {@code Float}, {@code String} or {@code long[]} values
   * @return {@code output}
   */
  public String node(
      CnnOperator op, String name, List<String> inputs, String output, Map<String, ?> attributes) {
    if (inputs.size() < op.getNumInputs()
        || inputs.size() > op.getNumInputs() + op.getNumOptionalInputs()) {
      throw new IllegalArgumentException(
          op.getOpName() + " takes " + op.getNumInputs() + " inputs, got " + inputs.size());
    }
    OnnxMl.NodeProto.Builder n =
        OnnxMl.NodeProto.newBuilder()
            .setName(name)
            .setOpType(op.getOpName())
            .setDomain(op.getOpDomain())
            .addOutput(output);
    inputs.forEach(n::addInput);
    new TreeMap<String, Object>(attributes).forEach((k, v) -> n.addAttribute(attribute(k, v)));
    graph.addNode(n);
    return output;
  }

  /**
   * Adds a node that scales each row of a {@code [N, D]} tensor to unit L2 length (ONNX {@code
   * LpNormalization}, axis 1, p 2).
   *
   * @return {@code output}
   */
  public String l2NormalizeRows(String name, String input, String output) {
    return node(
        CnnOperator.LP_NORMALIZATION, name, List.of(input), output, Map.of("axis", 1L, "p", 2L));
  }

  /** Adds a float32 initializer; returns its name. */
  public String floats(String name, float[] values, long... dims) {
    checkSize(name, values.length, dims);
    ByteBuffer buf =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    return initializer(name, OnnxMl.TensorProto.DataType.FLOAT, buf.array(), dims);
  }

  /** Adds an int64 initializer (shapes, axes, pads); returns its name. */
  public String longs(String name, long[] values, long... dims) {
    checkSize(name, values.length, dims);
    ByteBuffer buf = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asLongBuffer().put(values);
    return initializer(name, OnnxMl.TensorProto.DataType.INT64, buf.array(), dims);
  }

  /** Whether a tensor or initializer of this name was added. */
  public boolean has(String name) {
    return names.contains(name);
  }

  /** Declares a float graph input; a negative dimension is the symbolic {@link #BATCH}. */
  public void input(String name, long... dims) {
    graph.addInput(valueInfo(name, dims));
  }

  /** Declares a float graph output; a negative dimension is the symbolic {@link #BATCH}. */
  public void output(String name, long... dims) {
    graph.addOutput(valueInfo(name, dims));
  }

  /**
   * The model: this graph at {@link CnnOperator#OPSET}, IR version 8, metadata sorted by key.
   *
   * @param producer producer name, e.g. {@code facegate-trainer}
   * @param producerVersion the code version
   * @param docString what the model computes
   * @param metadata {@code metadata_props}
   */
  public OnnxMl.ModelProto model(
      String producer, String producerVersion, String docString, Map<String, String> metadata) {
    OnnxMl.ModelProto.Builder proto =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName(producer)
            .setProducerVersion(producerVersion)
            .setDomain("io.facegate")
            .setModelVersion(1)
            .setDocString(docString)
            .addOpsetImport(CnnOperator.CONV.opsetProto())
            .setGraph(graph);
    new TreeMap<>(metadata)
        .forEach(
            (k, v) ->
                proto.addMetadataProps(
                    OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return proto.build();
  }

  private String initializer(
      String name, OnnxMl.TensorProto.DataType type, byte[] raw, long[] dims) {
    if (!names.add(name)) {
      throw new IllegalArgumentException("initializer " + name + " added twice");
    }
    OnnxMl.TensorProto.Builder t =
        OnnxMl.TensorProto.newBuilder()
            .setName(name)
            .setDataType(type.getNumber())
            .setRawData(ByteString.copyFrom(raw));
    for (long d : dims) {
      t.addDims(d);
    }
    graph.addInitializer(t);
    return name;
  }

  private static void checkSize(String name, int length, long[] dims) {
    long size = 1;
    for (long d : dims) {
      size *= d;
    }
    if (size != length) {
      throw new IllegalArgumentException(
          name + ": " + length + " values for " + java.util.Arrays.toString(dims));
    }
  }

  private static OnnxMl.AttributeProto attribute(String name, Object value) {
    OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name);
    if (value instanceof Long l) {
      a.setType(OnnxMl.AttributeProto.AttributeType.INT).setI(l);
    } else if (value instanceof Float f) {
      a.setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(f);
    } else if (value instanceof String s) {
      a.setType(OnnxMl.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
    } else if (value instanceof long[] ints) {
      a.setType(OnnxMl.AttributeProto.AttributeType.INTS);
      for (long v : ints) {
        a.addInts(v);
      }
    } else {
      throw new IllegalArgumentException("unsupported attribute type for " + name);
    }
    return a.build();
  }

  private static OnnxMl.ValueInfoProto valueInfo(String name, long... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(
          d < 0
              ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH)
              : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
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
