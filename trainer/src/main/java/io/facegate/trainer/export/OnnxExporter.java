package io.facegate.trainer.export;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.trainer.model.EmbeddingNetwork;
import io.facegate.trainer.model.Layer;
import io.facegate.trainer.model.NetworkConfig;
import io.facegate.trainer.training.TrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the trained network as an ONNX model: walks the DJL {@code SequentialBlock} child by child
 * alongside the {@link Layer} list that built it, copies each block's parameters into initializers
 * and emits one node per layer. Input {@code input} is float {@code [batch, C, H, W]} with a
 * symbolic batch dimension; output {@code embedding} is float {@code [batch, D]}, L2-normalised.
 * {@code metadata_props} carry {@link ModelMetadata}.
 *
 * <p>Byte-reproducible: the same weights and metadata give the same bytes (attributes and metadata
 * are sorted, nothing time-dependent is written).
 */
public final class OnnxExporter {

  /** Name of the model input. */
  public static final String INPUT = "input";

  /** Name of the model output. */
  public static final String OUTPUT = "embedding";

  private OnnxExporter() {}

  /** Serialises the model. */
  public static byte[] export(TrainedModel model, ModelMetadata metadata, String producerVersion) {
    NetworkConfig config = model.network();
    if (metadata.embeddingDim() != config.embeddingDim()
        || metadata.input().channels() != config.inputChannels()
        || metadata.input().width() != config.inputSize()
        || metadata.input().height() != config.inputSize()) {
      throw new IllegalArgumentException("metadata does not describe this network");
    }
    List<Layer> layers = config.layers();
    List<Block> blocks = EmbeddingNetwork.children(model.block(), config);
    OnnxGraphWriter graph = new OnnxGraphWriter("facegate-embedding");
    graph.input(INPUT, -1, config.inputChannels(), config.inputSize(), config.inputSize());
    String x = INPUT;
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      Map<String, NDArray> params = parameters(blocks.get(i));
      String prefix = "l" + i + "_";
      String out = i == layers.size() - 1 ? OUTPUT : prefix + "out";
      if (layer instanceof Layer.InstanceNorm norm) {
        float[] ones = new float[config.inputChannels()];
        java.util.Arrays.fill(ones, 1f);
        String scale = graph.floats(prefix + "scale", ones, ones.length);
        String bias =
            graph.floats(
                prefix + "bias", new float[config.inputChannels()], config.inputChannels());
        graph.node(
            CnnOperator.INSTANCE_NORMALIZATION,
            prefix + "instancenorm",
            List.of(x, scale, bias),
            out,
            Map.of("epsilon", norm.epsilon()));
      } else if (layer instanceof Layer.Conv c) {
        String w = initializer(graph, prefix + "weight", params.get("weight"));
        String b = initializer(graph, prefix + "bias", params.get("bias"));
        Map<String, Object> attrs = new TreeMap<>();
        attrs.put("dilations", new long[] {1, 1});
        attrs.put("group", 1L);
        attrs.put("kernel_shape", new long[] {c.kernel(), c.kernel()});
        attrs.put("pads", new long[] {c.padding(), c.padding(), c.padding(), c.padding()});
        attrs.put("strides", new long[] {1, 1});
        graph.node(CnnOperator.CONV, prefix + "conv", List.of(x, w, b), out, attrs);
      } else if (layer instanceof Layer.BatchNorm bn) {
        String scale = initializer(graph, prefix + "gamma", params.get("gamma"));
        String bias = initializer(graph, prefix + "beta", params.get("beta"));
        String mean = initializer(graph, prefix + "running_mean", params.get("runningMean"));
        String var = initializer(graph, prefix + "running_var", params.get("runningVar"));
        graph.node(
            CnnOperator.BATCH_NORMALIZATION,
            prefix + "batchnorm",
            List.of(x, scale, bias, mean, var),
            out,
            Map.of("epsilon", bn.epsilon()));
      } else if (layer instanceof Layer.Relu) {
        graph.node(CnnOperator.RELU, prefix + "relu", List.of(x), out, Map.of());
      } else if (layer instanceof Layer.MaxPool m) {
        Map<String, Object> attrs = new TreeMap<>();
        attrs.put("kernel_shape", new long[] {m.kernel(), m.kernel()});
        attrs.put("pads", new long[] {0, 0, 0, 0});
        attrs.put("strides", new long[] {m.stride(), m.stride()});
        graph.node(CnnOperator.MAX_POOL, prefix + "maxpool", List.of(x), out, attrs);
      } else if (layer instanceof Layer.GlobalAvgPool) {
        String pooled = prefix + "pooled";
        graph.node(
            CnnOperator.GLOBAL_AVERAGE_POOL,
            prefix + "globalavgpool",
            List.of(x),
            pooled,
            Map.of());
        graph.node(
            CnnOperator.FLATTEN, prefix + "flatten", List.of(pooled), out, Map.of("axis", 1L));
      } else if (layer instanceof Layer.Flatten) {
        graph.node(CnnOperator.FLATTEN, prefix + "flatten", List.of(x), out, Map.of("axis", 1L));
      } else if (layer instanceof Layer.Dense) {
        String w = initializer(graph, prefix + "weight", params.get("weight"));
        String b = initializer(graph, prefix + "bias", params.get("bias"));
        Map<String, Object> attrs = new TreeMap<>();
        attrs.put("alpha", 1f);
        attrs.put("beta", 1f);
        attrs.put("transB", 1L);
        graph.node(CnnOperator.GEMM, prefix + "gemm", List.of(x, w, b), out, attrs);
      } else if (layer instanceof Layer.L2Normalize) {
        graph.l2NormalizeRows(prefix + "l2norm", x, out);
      } else {
        throw new IllegalStateException("no ONNX mapping for " + layer);
      }
      x = out;
    }
    graph.output(OUTPUT, -1, config.embeddingDim());
    return graph
        .model(
            "facegate-trainer",
            producerVersion,
            "Siamese face-embedding network; distance = Euclidean on the L2-normalised output",
            metadata.toProperties())
        .toByteArray();
  }

  /** Writes {@link #export} to a file. */
  public static void write(
      TrainedModel model, ModelMetadata metadata, String producerVersion, Path file)
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

  private static String initializer(OnnxGraphWriter graph, String name, NDArray array) {
    if (array == null) {
      throw new IllegalStateException("parameter missing for " + name);
    }
    return graph.floats(name, array.toFloatArray(), array.getShape().getShape());
  }
}
