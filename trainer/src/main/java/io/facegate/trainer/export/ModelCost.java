package io.facegate.trainer.export;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one image costs a model: its parameters, its file size and the multiply-adds of one forward
 * pass at batch 1, counted from the shapes ONNX Runtime itself produces. The graph is re-loaded
 * with the output of every {@code Conv}, {@code Gemm} and {@code MatMul} (and the left operand of
 * each {@code MatMul}) exposed, run once on a zero input, and each such node counted as output
 * elements x the length of its dot products: {@code Conv}: {@code C_in / group x k_h x k_w}; {@code
 * Gemm}: K; {@code MatMul}: the last axis of its left operand. Element-wise work (activations,
 * normalisation, pooling) is not counted: it is small beside these, and the figure is the one
 * papers quote as MACs.
 *
 * @param parameters elements of all initializers (weights, biases, constants)
 * @param multiplyAdds multiply-adds of one forward pass at batch 1
 * @param modelBytes size of the ONNX file
 */
public record ModelCost(long parameters, long multiplyAdds, long modelBytes) {

  /** Measures the model in {@code onnxFile} (one forward pass on the CPU). */
  public static ModelCost of(Path onnxFile) throws IOException {
    byte[] bytes = Files.readAllBytes(onnxFile);
    OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(bytes);
    OnnxMl.GraphProto graph = model.getGraph();
    Map<String, OnnxMl.TensorProto> initializers = new HashMap<>();
    long parameters = 0;
    for (OnnxMl.TensorProto t : graph.getInitializerList()) {
      initializers.put(t.getName(), t);
      parameters += elements(t.getDimsList());
    }
    Set<String> probes = new LinkedHashSet<>();
    for (OnnxMl.NodeProto node : graph.getNodeList()) {
      switch (node.getOpType()) {
        case "Conv", "Gemm" -> probes.add(node.getOutput(0));
        case "MatMul" -> {
          probes.add(node.getOutput(0));
          if (!initializers.containsKey(node.getInput(0))) {
            probes.add(node.getInput(0));
          }
        }
        default -> {}
      }
    }
    Map<String, long[]> shapes = run(model, probes);
    long macs = 0;
    for (OnnxMl.NodeProto node : graph.getNodeList()) {
      String op = node.getOpType();
      if (!op.equals("Conv") && !op.equals("Gemm") && !op.equals("MatMul")) {
        continue;
      }
      long out = elements(shapes.get(node.getOutput(0)));
      long dot =
          switch (op) {
            case "Conv" -> {
              List<Long> w = dims(initializers, node.getInput(1), node);
              yield elements(w.subList(1, w.size()));
            }
            case "Gemm" -> {
              long[] a = shapeOfInput(node.getInput(0), initializers, shapes, node);
              boolean transA = intAttribute(node, "transA").orElse(0L) == 1;
              yield transA ? a[0] : a[a.length - 1];
            }
            default -> {
              long[] a = shapeOfInput(node.getInput(0), initializers, shapes, node);
              yield a[a.length - 1];
            }
          };
      macs += out * dot;
    }
    return new ModelCost(parameters, macs, bytes.length);
  }

  private static long[] shapeOfInput(
      String name,
      Map<String, OnnxMl.TensorProto> initializers,
      Map<String, long[]> shapes,
      OnnxMl.NodeProto node) {
    if (initializers.containsKey(name)) {
      return dims(initializers, name, node).stream().mapToLong(Long::longValue).toArray();
    }
    long[] shape = shapes.get(name);
    if (shape == null) {
      // a Gemm's left operand is the output of some earlier node: expose it too
      throw new IllegalStateException(
          "no shape for " + name + ", input of " + node.getOpType() + " " + node.getName());
    }
    return shape;
  }

  private static List<Long> dims(
      Map<String, OnnxMl.TensorProto> initializers, String name, OnnxMl.NodeProto node) {
    OnnxMl.TensorProto t = initializers.get(name);
    if (t == null) {
      throw new IllegalStateException(
          node.getOpType() + " " + node.getName() + ": weight " + name + " is not an initializer");
    }
    return t.getDimsList();
  }

  private static Optional<Long> intAttribute(OnnxMl.NodeProto node, String name) {
    return node.getAttributeList().stream()
        .filter(a -> a.getName().equals(name))
        .findFirst()
        .map(OnnxMl.AttributeProto::getI);
  }

  /** Runs the graph once on zeros at batch 1 with {@code probes} added as outputs; their shapes. */
  private static Map<String, long[]> run(OnnxMl.ModelProto model, Set<String> probes)
      throws IOException {
    OnnxMl.GraphProto.Builder graph = model.getGraph().toBuilder();
    Set<String> outputs = new LinkedHashSet<>();
    graph.getOutputList().forEach(o -> outputs.add(o.getName()));
    for (OnnxMl.NodeProto node : model.getGraph().getNodeList()) {
      if (node.getOpType().equals("Gemm") && !outputs.contains(node.getInput(0))) {
        probes.add(node.getInput(0));
      }
    }
    Set<String> graphInputs = new LinkedHashSet<>();
    graph.getInputList().forEach(i -> graphInputs.add(i.getName()));
    for (String p : probes) {
      if (!graphInputs.contains(p) && outputs.add(p)) {
        graph.addOutput(
            OnnxMl.ValueInfoProto.newBuilder()
                .setName(p)
                .setType(
                    OnnxMl.TypeProto.newBuilder()
                        .setTensorType(
                            OnnxMl.TypeProto.Tensor.newBuilder()
                                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()))));
      }
    }
    byte[] probed = model.toBuilder().setGraph(graph).build().toByteArray();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(probed, options)) {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
          for (var e : session.getInputInfo().entrySet()) {
            TensorInfo info = (TensorInfo) e.getValue().getInfo();
            long[] shape = info.getShape().clone();
            for (int i = 0; i < shape.length; i++) {
              shape[i] = shape[i] < 0 ? 1 : shape[i];
            }
            inputs.put(
                e.getKey(),
                OnnxTensor.createTensor(
                    env, FloatBuffer.allocate(Math.toIntExact(elements(shape))), shape));
          }
          Map<String, long[]> shapes = new HashMap<>();
          inputs.forEach((name, tensor) -> shapes.put(name, tensor.getInfo().getShape()));
          Set<String> wanted = new LinkedHashSet<>(probes);
          wanted.removeAll(graphInputs);
          try (OrtSession.Result result = session.run(inputs, wanted)) {
            for (Map.Entry<String, OnnxValue> r : result) {
              shapes.put(r.getKey(), ((TensorInfo) r.getValue().getInfo()).getShape());
            }
          }
          return shapes;
        } finally {
          inputs.values().forEach(OnnxTensor::close);
        }
      }
    } catch (OrtException e) {
      throw new IOException("cannot run the model to measure its cost: " + e.getMessage(), e);
    }
  }

  private static long elements(List<Long> dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return n;
  }

  private static long elements(long[] dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return n;
  }
}
