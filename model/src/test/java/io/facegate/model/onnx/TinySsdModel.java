package io.facegate.model.onnx;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stand-in for the SSD detector with the same contract, built in the test so no binary is
 * committed: an 8x8 input, two anchors (the top-left and the bottom-right quarter of the square)
 * whose face logit is {@code 20 * mean(quarter) - 10}, so a white quarter is a face (score 0.99995)
 * and a black one is not, and zero box encodings (each box is its anchor). Withers make variants
 * that break the contract or emit a NaN.
 */
final class TinySsdModel {
  static final int SIZE = 8;

  private final String inputName;
  private final String logitsName;
  private final boolean dynamicBatch;
  private final float logitOffset;
  private final boolean nanWhenBright;
  private final Map<String, String> metadata;

  private TinySsdModel(
      String inputName,
      String logitsName,
      boolean dynamicBatch,
      float logitOffset,
      boolean nanWhenBright,
      Map<String, String> metadata) {
    this.inputName = inputName;
    this.logitsName = logitsName;
    this.dynamicBatch = dynamicBatch;
    this.logitOffset = logitOffset;
    this.nanWhenBright = nanWhenBright;
    this.metadata = metadata;
  }

  static TinySsdModel valid() {
    return new TinySsdModel(
        OnnxFaceDetector.INPUT,
        OnnxFaceDetector.CLASS_LOGITS,
        true,
        -10f,
        false,
        Map.of(OnnxFaceDetector.KIND_KEY, OnnxFaceDetector.KIND));
  }

  TinySsdModel withInputName(String name) {
    return new TinySsdModel(name, logitsName, dynamicBatch, logitOffset, nanWhenBright, metadata);
  }

  TinySsdModel withLogitsName(String name) {
    return new TinySsdModel(inputName, name, dynamicBatch, logitOffset, nanWhenBright, metadata);
  }

  TinySsdModel withFixedBatch() {
    return new TinySsdModel(inputName, logitsName, false, logitOffset, nanWhenBright, metadata);
  }

  /** Adds {@code offset} instead of -10 to every logit: NaN or infinity poisons all outputs. */
  TinySsdModel withLogitOffset(float offset) {
    return new TinySsdModel(inputName, logitsName, dynamicBatch, offset, nanWhenBright, metadata);
  }

  TinySsdModel withMetadata(Map<String, String> props) {
    return new TinySsdModel(
        inputName,
        logitsName,
        dynamicBatch,
        logitOffset,
        nanWhenBright,
        new LinkedHashMap<>(props));
  }

  /**
   * Adds {@code 0 * sqrt(0.5 - mean(quarter))}: nothing for a dark image (so it loads), NaN as soon
   * as a quarter is brighter than half grey.
   */
  TinySsdModel withNanWhenBright() {
    return new TinySsdModel(inputName, logitsName, dynamicBatch, logitOffset, true, metadata);
  }

  Path write(Path file) {
    try {
      Files.write(file, toProto().toByteArray());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private OnnxMl.ModelProto toProto() {
    OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("tiny_ssd");
    g.addInput(valueInfo(inputName, true, 3, SIZE, SIZE));
    g.addOutput(valueInfo(OnnxFaceDetector.BOX_ENCODINGS, true, 2, 4));
    g.addOutput(valueInfo(logitsName, true, 2));
    g.addOutput(valueInfo(OnnxFaceDetector.ANCHORS, false, 2, 4));
    g.addInitializer(floats("anchor_table", new long[] {2, 4}, 0, 0, 0.5f, 0.5f, 0.5f, 0.5f, 1, 1));
    g.addInitializer(floats("scale", new long[0], 20f));
    g.addInitializer(floats("offset", new long[0], logitOffset));
    g.addInitializer(floats("zeros", new long[] {1, 1, 4}, 0, 0, 0, 0));
    g.addInitializer(longs("flat", new long[] {2}, 0, -1));
    g.addInitializer(longs("quarters", new long[] {2}, 0, 3));
    g.addInitializer(longs("unsqueeze_axes", new long[] {1}, 2));
    g.addNode(
        node("ReduceMean", "grey", inputName)
            .addAttribute(ints("axes", 1))
            .addAttribute(intAttr("keepdims", 1)));
    g.addNode(
        node("AveragePool", "pooled", "grey")
            .addAttribute(ints("kernel_shape", SIZE / 2, SIZE / 2))
            .addAttribute(ints("strides", SIZE / 2, SIZE / 2)));
    g.addNode(node("Reshape", "cells", "pooled", "flat"));
    g.addNode(node("Gather", "picked", "cells", "quarters").addAttribute(intAttr("axis", 1)));
    g.addNode(node("Mul", "scaled", "picked", "scale"));
    if (nanWhenBright) {
      g.addInitializer(floats("half", new long[0], 0.5f));
      g.addInitializer(floats("nothing", new long[0], 0f));
      g.addNode(node("Add", "clean", "scaled", "offset"));
      g.addNode(node("Sub", "headroom", "half", "picked"));
      g.addNode(node("Sqrt", "root", "headroom"));
      g.addNode(node("Mul", "poison", "root", "nothing"));
      g.addNode(node("Add", logitsName, "clean", "poison"));
    } else {
      g.addNode(node("Add", logitsName, "scaled", "offset"));
    }
    g.addNode(node("Unsqueeze", "logits3", logitsName, "unsqueeze_axes"));
    g.addNode(node("Mul", OnnxFaceDetector.BOX_ENCODINGS, "logits3", "zeros"));
    g.addNode(node("Identity", OnnxFaceDetector.ANCHORS, "anchor_table"));
    OnnxMl.ModelProto.Builder m =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("facegate-test")
            .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
            .setGraph(g);
    metadata.forEach(
        (k, v) ->
            m.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return m.build();
  }

  private static OnnxMl.NodeProto.Builder node(String op, String output, String... inputs) {
    OnnxMl.NodeProto.Builder n =
        OnnxMl.NodeProto.newBuilder().setName(output + "_node").setOpType(op).addOutput(output);
    for (String in : inputs) {
      n.addInput(in);
    }
    return n;
  }

  private OnnxMl.ValueInfoProto valueInfo(String name, boolean batched, long... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    if (batched) {
      shape.addDim(
          dynamicBatch
              ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
              : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1));
    }
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

  private static OnnxMl.TensorProto floats(String name, long[] dims, float... values) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    OnnxMl.TensorProto.Builder t =
        OnnxMl.TensorProto.newBuilder()
            .setName(name)
            .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
            .setRawData(com.google.protobuf.ByteString.copyFrom(buf.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  private static OnnxMl.TensorProto longs(String name, long[] dims, long... values) {
    OnnxMl.TensorProto.Builder t =
        OnnxMl.TensorProto.newBuilder()
            .setName(name)
            .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber());
    for (long d : dims) {
      t.addDims(d);
    }
    for (long v : values) {
      t.addInt64Data(v);
    }
    return t.build();
  }

  private static OnnxMl.AttributeProto ints(String name, long... values) {
    OnnxMl.AttributeProto.Builder a =
        OnnxMl.AttributeProto.newBuilder()
            .setName(name)
            .setType(OnnxMl.AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  private static OnnxMl.AttributeProto intAttr(String name, long value) {
    return OnnxMl.AttributeProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }
}
