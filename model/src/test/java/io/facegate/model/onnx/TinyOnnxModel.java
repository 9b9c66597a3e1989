package io.facegate.model.onnx;

import ai.onnx.proto.OnnxMl;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.preprocess.PreprocessSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a small deterministic ONNX embedding model inside a test, so no binary model is ever
 * committed: {@code AveragePool(k x k, stride k) -> Flatten -> [minus its mean] ->
 * LpNormalization(p=2)}. The embedding is a down-sampled, L2-normalised image, so Euclidean
 * distance between embeddings is a pixel nearest-neighbour distance: crude but enough to tell ORL
 * people apart, and exactly reproducible. Withers make contract-breaking variants (wrong names,
 * fixed shapes, no metadata).
 */
public final class TinyOnnxModel {
  private final int width;
  private final int height;
  private final int channels;
  private final int pool;
  private final String inputName;
  private final String outputName;
  private final boolean dynamicBatch;
  private final boolean centred;
  private final Map<String, String> metadata;

  private TinyOnnxModel(
      int width,
      int height,
      int channels,
      int pool,
      String inputName,
      String outputName,
      boolean dynamicBatch,
      boolean centred,
      Map<String, String> metadata) {
    this.width = width;
    this.height = height;
    this.channels = channels;
    this.pool = pool;
    this.inputName = inputName;
    this.outputName = outputName;
    this.dynamicBatch = dynamicBatch;
    this.centred = centred;
    this.metadata = metadata;
  }

  /**
   * A contract-abiding model for {@code channels x height x width} inputs pooled by {@code pool},
   * with metadata naming {@code version} and {@code threshold}; mean 0.5, std 0.5 per channel.
   */
  public static TinyOnnxModel pooling(
      String version, int width, int height, int channels, int pool, float threshold) {
    TinyOnnxModel m =
        new TinyOnnxModel(
            width,
            height,
            channels,
            pool,
            OnnxEmbedder.INPUT,
            OnnxEmbedder.OUTPUT,
            true,
            false,
            Map.of());
    return m.withMetadata(m.metadata(version, threshold).toProperties());
  }

  /** The metadata this model's shapes imply. */
  public ModelMetadata metadata(String version, float threshold) {
    float[] half = new float[channels];
    Arrays.fill(half, 0.5f);
    return new ModelMetadata(
        version,
        new PreprocessSpec(width, height, channels, half, half),
        embeddingDim(),
        ModelMetadata.EUCLIDEAN,
        threshold,
        "test",
        Map.of("builder", "TinyOnnxModel", "pool", Integer.toString(pool)));
  }

  public int embeddingDim() {
    return channels * (height / pool) * (width / pool);
  }

  public TinyOnnxModel withInputName(String name) {
    return new TinyOnnxModel(
        width, height, channels, pool, name, outputName, dynamicBatch, centred, metadata);
  }

  public TinyOnnxModel withOutputName(String name) {
    return new TinyOnnxModel(
        width, height, channels, pool, inputName, name, dynamicBatch, centred, metadata);
  }

  /** A fixed batch of 1 instead of a dynamic batch dimension. */
  public TinyOnnxModel withFixedBatch() {
    return new TinyOnnxModel(
        width, height, channels, pool, inputName, outputName, false, centred, metadata);
  }

  /** Replaces all metadata_props (empty: a model without facegate metadata). */
  public TinyOnnxModel withMetadata(Map<String, String> props) {
    return new TinyOnnxModel(
        width,
        height,
        channels,
        pool,
        inputName,
        outputName,
        dynamicBatch,
        centred,
        new LinkedHashMap<>(props));
  }

  /**
   * Subtracts each embedding's mean before normalising: the distance becomes one minus a
   * correlation of pooled pixels, which ignores overall brightness (ORL's lighting varies).
   */
  public TinyOnnxModel centred() {
    return new TinyOnnxModel(
        width, height, channels, pool, inputName, outputName, dynamicBatch, true, metadata);
  }

  /** Writes the model to {@code file} and returns it. */
  public Path write(Path file) {
    try {
      Files.write(file, toProto().toByteArray());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private OnnxMl.ModelProto toProto() {
    OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("tiny_pool_embedder");
    g.addInput(valueInfo(inputName, channels, height, width));
    g.addOutput(valueInfo(outputName, embeddingDim()));
    g.addNode(
        OnnxMl.NodeProto.newBuilder()
            .setName("pool")
            .setOpType("AveragePool")
            .addInput(inputName)
            .addOutput("pooled")
            .addAttribute(ints("kernel_shape", pool, pool))
            .addAttribute(ints("strides", pool, pool)));
    g.addNode(
        OnnxMl.NodeProto.newBuilder()
            .setName("flatten")
            .setOpType("Flatten")
            .addInput("pooled")
            .addOutput("flat")
            .addAttribute(intAttr("axis", 1)));
    String beforeNorm = "flat";
    if (centred) {
      g.addNode(
          OnnxMl.NodeProto.newBuilder()
              .setName("mean")
              .setOpType("ReduceMean")
              .addInput("flat")
              .addOutput("mu")
              .addAttribute(ints("axes", 1))
              .addAttribute(intAttr("keepdims", 1)));
      g.addNode(
          OnnxMl.NodeProto.newBuilder()
              .setName("centre")
              .setOpType("Sub")
              .addInput("flat")
              .addInput("mu")
              .addOutput("centred"));
      beforeNorm = "centred";
    }
    g.addNode(
        OnnxMl.NodeProto.newBuilder()
            .setName("l2")
            .setOpType("LpNormalization")
            .addInput(beforeNorm)
            .addOutput(outputName)
            .addAttribute(intAttr("axis", 1))
            .addAttribute(intAttr("p", 2)));
    OnnxMl.ModelProto.Builder m =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("facegate-test")
            .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
            .setGraph(g);
    metadata.forEach(
        (k, v) ->
            m.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return m.build();
  }

  private OnnxMl.ValueInfoProto valueInfo(String name, long... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    shape.addDim(
        dynamicBatch
            ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
            : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1));
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
