package io.facegate.trainer.export;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.trainer.model.EmbeddingNetwork;
import io.facegate.trainer.model.Layer;
import io.facegate.trainer.model.NetworkConfig;
import io.facegate.trainer.training.TrainedModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the trained network as an ONNX model: walks the DJL {@code SequentialBlock} child by
 * child alongside the {@link Layer} list that built it, copies each block's parameters into
 * initializers and emits one node per layer. Input {@code input} is float
 * {@code [batch, C, H, W]} with a symbolic batch dimension; output {@code embedding} is float
 * {@code [batch, D]}, L2-normalised. {@code metadata_props} carry {@link ModelMetadata}.
 *
 * <p>Byte-reproducible: the same weights and metadata give the same bytes (attributes and
 * metadata are sorted, nothing time-dependent is written).
 */
public final class OnnxExporter {

  /** Name of the model input. */
  public static final String INPUT = "input";
  /** Name of the model output. */
  public static final String OUTPUT = "embedding";
  private static final String BATCH = "batch";

  private OnnxExporter() {}

  /** Serialises the model. */
  public static byte[] export(TrainedModel model, ModelMetadata metadata, String producerVersion) {
    NetworkConfig config = model.network();
    if (metadata.embeddingDim() != config.embeddingDim()
        || metadata.input().channels() != config.inputChannels()
        || metadata.input().width() != config.inputSize() || metadata.input().height() != config.inputSize()) {
      throw new IllegalArgumentException("metadata does not describe this network");
    }
    List<Layer> layers = config.layers();
    List<Block> blocks = EmbeddingNetwork.children(model.block(), config);
    OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName("facegate-embedding");
    graph.addInput(valueInfo(INPUT, BATCH, config.inputChannels(), config.inputSize(), config.inputSize()));
    String x = INPUT;
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      Map<String, NDArray> params = parameters(blocks.get(i));
      String prefix = "l" + i + "_";
      String out = i == layers.size() - 1 ? OUTPUT : prefix + "out";
      if (layer instanceof Layer.InstanceNorm norm) {
        float[] ones = new float[config.inputChannels()];
        java.util.Arrays.fill(ones, 1f);
        String scale = constant(graph, prefix + "scale", ones);
        String bias = constant(graph, prefix + "bias", new float[config.inputChannels()]);
        graph.addNode(node(CnnOperator.INSTANCE_NORMALIZATION, prefix + "instancenorm", List.of(x, scale, bias), out,
            Map.of("epsilon", norm.epsilon())));
      } else if (layer instanceof Layer.Conv c) {
        String w = initializer(graph, prefix + "weight", params.get("weight"));
        String b = initializer(graph, prefix + "bias", params.get("bias"));
        Map<String, Object> attrs = new TreeMap<>();
        attrs.put("dilations", new long[] {1, 1});
        attrs.put("group", 1L);
        attrs.put("kernel_shape", new long[] {c.kernel(), c.kernel()});
        attrs.put("pads", new long[] {c.padding(), c.padding(), c.padding(), c.padding()});
        attrs.put("strides", new long[] {1, 1});
        graph.addNode(node(CnnOperator.CONV, prefix + "conv", List.of(x, w, b), out, attrs));
      } else if (layer instanceof Layer.BatchNorm bn) {
        String scale = initializer(graph, prefix + "gamma", params.get("gamma"));
        String bias = initializer(graph, prefix + "beta", params.get("beta"));
        String mean = initializer(graph, prefix + "running_mean", params.get("runningMean"));
        String var = initializer(graph, prefix + "running_var", params.get("runningVar"));
        graph.addNode(node(CnnOperator.BATCH_NORMALIZATION, prefix + "batchnorm",
            List.of(x, scale, bias, mean, var), out, Map.of("epsilon", bn.epsilon())));
      } else if (layer instanceof Layer.Relu) {
        graph.addNode(node(CnnOperator.RELU, prefix + "relu", List.of(x), out, Map.of()));
      } else if (layer instanceof Layer.MaxPool m) {
        Map<String, Object> attrs = new TreeMap<>();
        attrs.put("kernel_shape", new long[] {m.kernel(), m.kernel()});
        attrs.put("pads", new long[] {0, 0, 0, 0});
        attrs.put("strides", new long[] {m.stride(), m.stride()});
        graph.addNode(node(CnnOperator.MAX_POOL, prefix + "maxpool", List.of(x), out, attrs));
      } else if (layer instanceof Layer.GlobalAvgPool) {
        String pooled = prefix + "pooled";
        graph.addNode(node(CnnOperator.GLOBAL_AVERAGE_POOL, prefix + "globalavgpool", List.of(x), pooled, Map.of()));
        graph.addNode(node(CnnOperator.FLATTEN, prefix + "flatten", List.of(pooled), out, Map.of("axis", 1L)));
      } else if (layer instanceof Layer.Flatten) {
        graph.addNode(node(CnnOperator.FLATTEN, prefix + "flatten", List.of(x), out, Map.of("axis", 1L)));
      } else if (layer instanceof Layer.Dense) {
        String w = initializer(graph, prefix + "weight", params.get("weight"));
        String b = initializer(graph, prefix + "bias", params.get("bias"));
        Map<String, Object> attrs = new TreeMap<>();
        attrs.put("alpha", 1f);
        attrs.put("beta", 1f);
        attrs.put("transB", 1L);
        graph.addNode(node(CnnOperator.GEMM, prefix + "gemm", List.of(x, w, b), out, attrs));
      } else if (layer instanceof Layer.L2Normalize) {
        Map<String, Object> attrs = new TreeMap<>();
        attrs.put("axis", 1L);
        attrs.put("p", 2L);
        graph.addNode(node(CnnOperator.LP_NORMALIZATION, prefix + "l2norm", List.of(x), out, attrs));
      } else {
        throw new IllegalStateException("no ONNX mapping for " + layer);
      }
      x = out;
    }
    graph.addOutput(valueInfo(OUTPUT, BATCH, config.embeddingDim()));
    OnnxMl.ModelProto.Builder proto = OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("facegate-trainer")
        .setProducerVersion(producerVersion)
        .setDomain("io.facegate")
        .setModelVersion(1)
        .setDocString("Siamese face-embedding network; distance = Euclidean on the L2-normalised output")
        .addOpsetImport(CnnOperator.CONV.opsetProto())
        .setGraph(graph);
    new TreeMap<>(metadata.toProperties()).forEach((k, v) ->
        proto.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return proto.build().toByteArray();
  }

  /** Writes {@link #export} to a file. */
  public static void write(TrainedModel model, ModelMetadata metadata, String producerVersion, Path file)
      throws IOException {
    Files.write(file, export(model, metadata, producerVersion));
  }

  private static Map<String, NDArray> parameters(Block block) {
    Map<String, NDArray> out = new TreeMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      out.put(p.getKey(), p.getValue().getArray());
    }
    return out;
  }

  private static String initializer(OnnxMl.GraphProto.Builder graph, String name, NDArray array) {
    if (array == null) {
      throw new IllegalStateException("parameter missing for " + name);
    }
    return tensor(graph, name, array.toFloatArray(), array.getShape().getShape());
  }

  private static String constant(OnnxMl.GraphProto.Builder graph, String name, float[] values) {
    return tensor(graph, name, values, new long[] {values.length});
  }

  private static String tensor(OnnxMl.GraphProto.Builder graph, String name, float[] values, long[] dims) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder()
        .setName(name)
        .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
        .setRawData(ByteString.copyFrom(buf.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    graph.addInitializer(t);
    return name;
  }

  private static OnnxMl.NodeProto node(CnnOperator op, String name, List<String> inputs, String output,
                                       Map<String, Object> attributes) {
    if (inputs.size() < op.getNumInputs() || inputs.size() > op.getNumInputs() + op.getNumOptionalInputs()) {
      throw new IllegalArgumentException(op.getOpName() + " takes " + op.getNumInputs() + " inputs, got " + inputs.size());
    }
    OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder()
        .setName(name).setOpType(op.getOpName()).setDomain(op.getOpDomain()).addOutput(output);
    inputs.forEach(n::addInput);
    new TreeMap<>(attributes).forEach((k, v) -> n.addAttribute(attribute(k, v)));
    return n.build();
  }

  private static OnnxMl.AttributeProto attribute(String name, Object value) {
    OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name);
    if (value instanceof Long l) {
      a.setType(OnnxMl.AttributeProto.AttributeType.INT).setI(l);
    } else if (value instanceof Float f) {
      a.setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(f);
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

  private static OnnxMl.ValueInfoProto valueInfo(String name, String batch, long... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
    for (long d : dims) {
      shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
            .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
            .setShape(shape)))
        .build();
  }
}
