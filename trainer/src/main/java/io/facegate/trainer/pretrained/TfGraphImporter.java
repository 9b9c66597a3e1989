package io.facegate.trainer.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facegate.trainer.export.CnnOperator;
import io.facegate.trainer.export.OnnxGraphWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Converts a TF.js graph model ({@code modelTopology} + weights) into nodes of an ONNX graph.
 *
 * <p>Layout: tensors stay NHWC, as in TF; each convolution and pooling is wrapped in Transpose
 * nodes (NHWC to NCHW and back), which ONNX Runtime's optimiser cancels between neighbours. Filters
 * become initializers in ONNX's layout: HWIO to OIHW; depthwise HW(C)(M) to (C*M)1HW with {@code
 * group = C}, output channel {@code c * M + m} as in TF. TF {@code SAME} padding becomes explicit
 * pads computed from the statically inferred input size (more padding after than before when odd,
 * as TF does); {@code EXPLICIT} paddings are carried over.
 *
 * <p>Exactly these TF ops are supported (those of Human's faceres, antispoof, liveness, blazeface
 * and mobilefacenet): Const, Placeholder, Identity, Conv2D, _FusedConv2D, DepthwiseConv2dNative,
 * FusedDepthwiseConv2dNative, MaxPool, _FusedMatMul (fused BiasAdd, Relu, Relu6, Prelu), Add,
 * AddV2, Sub, Mul, Minimum, Maximum, Relu, Abs, Sigmoid, Softmax, Square, Rsqrt, Mean, Sum,
 * Squeeze, Reshape, Pad. Anything else is a {@link TfjsFormatException} naming the node. Only the
 * part of the graph the requested outputs depend on is converted. Shapes are inferred statically
 * from the Placeholders' shapes (a -1 batch dimension stays symbolic).
 */
public final class TfGraphImporter {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long[] NHWC_TO_NCHW = {0, 3, 1, 2};
  private static final long[] NCHW_TO_NHWC = {0, 2, 3, 1};

  private final Map<String, TfNode> nodes;
  private final TfjsWeights weights;

  /**
   * @param modelTopology the {@code modelTopology} object ({@code node} array)
   * @param weights the model's weights; Const nodes take their values from here, by name
   */
  public TfGraphImporter(JsonNode modelTopology, TfjsWeights weights) {
    JsonNode list = modelTopology.path("node");
    if (!list.isArray() || list.isEmpty()) {
      throw new TfjsFormatException("modelTopology has no nodes");
    }
    Map<String, TfNode> byName = new LinkedHashMap<>();
    for (JsonNode n : list) {
      TfNode node = TfNode.of(n);
      if (byName.putIfAbsent(node.name(), node) != null) {
        throw new TfjsFormatException("two nodes are named " + node.name());
      }
    }
    this.nodes = byName;
    this.weights = weights;
  }

  /**
   * Reads a graph model's {@code model.json} and its weight shards.
   *
   * @throws IOException when a file cannot be read
   * @throws TfjsFormatException when the model is malformed
   */
  public static TfGraphImporter read(Path modelJson) throws IOException {
    JsonNode root;
    try (InputStream in = Files.newInputStream(modelJson)) {
      root = JSON.readTree(in);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new TfjsFormatException(modelJson + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (!"graph-model".equals(root.path("format").asText("graph-model"))) {
      throw new TfjsFormatException(
          modelJson + ": format is " + root.path("format").asText() + ", not graph-model");
    }
    TfjsWeights weights =
        TfjsWeights.read(
            root.get("weightsManifest"),
            modelJson.toAbsolutePath().getParent(),
            modelJson.toString());
    return new TfGraphImporter(root.path("modelTopology"), weights);
  }

  /** The Placeholders and their NHWC shapes (-1 for an unknown dimension), in graph order. */
  public Map<String, long[]> placeholders() {
    Map<String, long[]> out = new LinkedHashMap<>();
    nodes.values().stream()
        .filter(n -> n.op().equals("Placeholder"))
        .forEach(n -> out.put(n.name(), n.shape()));
    return out;
  }

  /** The model's weights. */
  public TfjsWeights weights() {
    return weights;
  }

  /** A tensor of the converted graph: its ONNX name and its inferred shape (-1 for the batch). */
  public record Tensor(String name, long[] shape) {

    /** Copies the shape. */
    public Tensor {
      shape = shape.clone();
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }
  }

  /**
   * Adds the nodes that compute {@code outputs} to {@code writer}.
   *
   * @param writer the ONNX graph being built
   * @param inputs for each Placeholder the outputs need: the ONNX tensor holding its NHWC value (a
   *     graph input the caller declared, or the end of the caller's own pre-processing nodes)
   * @param outputs TF node names whose values the caller wants
   * @return for each requested output, the ONNX tensor that holds it
   * @throws TfjsFormatException for an unsupported op or attribute, naming the node
   */
  public Map<String, Tensor> convert(
      OnnxGraphWriter writer, Map<String, String> inputs, List<String> outputs) {
    Map<String, Tensor> done = new HashMap<>();
    Converter c = new Converter(writer, done);
    for (TfNode node : order(outputs)) {
      if (node.op().equals("Const")) {
        continue;
      }
      if (node.op().equals("Placeholder")) {
        String bound = inputs.get(node.name());
        if (bound == null) {
          throw new TfjsFormatException(
              "Placeholder " + node.name() + " is needed but no input is bound to it");
        }
        done.put(node.name(), new Tensor(bound, node.shape()));
        continue;
      }
      done.put(node.name(), c.convert(node));
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (String o : outputs) {
      Tensor t = done.get(o);
      if (t == null) {
        throw new TfjsFormatException("output " + o + " is a Const, not a computed tensor");
      }
      out.put(o, t);
    }
    return out;
  }

  /**
   * The graph as a model of its own: each needed Placeholder becomes a graph input of the same name
   * and NHWC shape, each requested node an output of the same name (through an Identity), with the
   * inferred shapes. For running an imported network as it is, e.g. in tests and tools.
   *
   * @param outputs TF node names to output
   * @param producerVersion the code version written into the model
   * @throws TfjsFormatException for an unsupported op or attribute, naming the node
   */
  public ai.onnx.proto.OnnxMl.ModelProto standalone(List<String> outputs, String producerVersion) {
    OnnxGraphWriter w = new OnnxGraphWriter("tfjs-graph");
    Map<String, String> inputs = new LinkedHashMap<>();
    placeholders()
        .forEach(
            (name, shape) -> {
              inputs.put(name, name);
              w.input(name, shape);
            });
    Map<String, Tensor> converted = convert(w, inputs, outputs);
    for (Map.Entry<String, Tensor> e : converted.entrySet()) {
      String name = e.getKey() + ":0";
      w.node(CnnOperator.IDENTITY, name, List.of(e.getValue().name()), name, Map.of());
      w.output(name, e.getValue().shape());
    }
    return w.model(
        "facegate-pretrained", producerVersion, "TF.js graph model imported as it is", Map.of());
  }

  /**
   * The nodes the outputs depend on, inputs first (iterative, so a deep graph cannot overflow the
   * stack).
   */
  private List<TfNode> order(List<String> outputs) {
    List<TfNode> order = new ArrayList<>();
    Set<String> finished = new HashSet<>();
    Set<String> onPath = new HashSet<>();
    for (String output : outputs) {
      Deque<String[]> stack = new ArrayDeque<>();
      stack.push(new String[] {output, "enter"});
      while (!stack.isEmpty()) {
        String[] frame = stack.pop();
        String name = frame[0];
        TfNode node = nodes.get(name);
        if (node == null) {
          throw new TfjsFormatException("the graph has no node named " + name);
        }
        if (frame[1].equals("exit")) {
          onPath.remove(name);
          if (finished.add(name)) {
            order.add(node);
          }
          continue;
        }
        if (finished.contains(name)) {
          continue;
        }
        if (!onPath.add(name)) {
          throw new TfjsFormatException("the graph has a cycle through " + name);
        }
        stack.push(new String[] {name, "exit"});
        for (int i = node.inputs().size() - 1; i >= 0; i--) {
          String in = node.inputs().get(i);
          if (onPath.contains(in)) {
            throw new TfjsFormatException("the graph has a cycle through " + in);
          }
          if (!finished.contains(in)) {
            stack.push(new String[] {in, "enter"});
          }
        }
      }
    }
    return order;
  }

  /** Converts one node at a time; knows the tensors converted so far. */
  private final class Converter {

    private final OnnxGraphWriter w;
    private final Map<String, Tensor> done;

    Converter(OnnxGraphWriter w, Map<String, Tensor> done) {
      this.w = w;
      this.done = done;
    }

    Tensor convert(TfNode n) {
      return switch (n.op()) {
        case "Identity" -> unary(n, CnnOperator.IDENTITY);
        case "Relu" -> unary(n, CnnOperator.RELU);
        case "Abs" -> unary(n, CnnOperator.ABS);
        case "Sigmoid" -> unary(n, CnnOperator.SIGMOID);
        case "Softmax" -> softmax(n);
        case "Square" -> square(n);
        case "Rsqrt" -> rsqrt(n);
        case "Add", "AddV2" -> binary(n, CnnOperator.ADD);
        case "Sub" -> binary(n, CnnOperator.SUB);
        case "Mul" -> binary(n, CnnOperator.MUL);
        case "Minimum" -> binary(n, CnnOperator.MIN);
        case "Maximum" -> binary(n, CnnOperator.MAX);
        case "Conv2D", "_FusedConv2D" -> conv(n, false);
        case "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative" -> conv(n, true);
        case "MaxPool" -> maxPool(n);
        case "_FusedMatMul" -> matMul(n);
        case "Mean" -> reduce(n, true);
        case "Sum" -> reduce(n, false);
        case "Squeeze" -> squeeze(n);
        case "Reshape" -> reshape(n);
        case "Pad" -> pad(n);
        default ->
            throw new TfjsFormatException(
                "node " + n.name() + ": op " + n.op() + " is not supported");
      };
    }

    // ---- inputs

    private void arity(TfNode n, int count) {
      if (n.inputs().size() != count) {
        throw new TfjsFormatException(
            "node "
                + n.name()
                + " ("
                + n.op()
                + ") has "
                + n.inputs().size()
                + " inputs, expected "
                + count);
      }
    }

    private boolean isConst(String name) {
      TfNode node = nodes.get(name);
      return node != null && node.op().equals("Const");
    }

    private TfjsWeight weight(TfNode n, String constName) {
      if (!isConst(constName)) {
        throw new TfjsFormatException(
            "node " + n.name() + " (" + n.op() + "): input " + constName + " must be a Const");
      }
      return weights
          .find(constName)
          .orElseThrow(
              () ->
                  new TfjsFormatException("Const " + constName + " has no weight in the manifest"));
    }

    /**
     * A data input: a converted tensor, or a float Const written as an initializer on first use.
     */
    private Tensor data(TfNode n, int index) {
      String name = n.inputs().get(index);
      if (isConst(name)) {
        TfjsWeight c = weight(n, name);
        long[] dims = toLongs(c.shape());
        if (!w.has(name)) {
          w.floats(name, c.floats(), dims);
        }
        return new Tensor(name, dims);
      }
      Tensor t = done.get(name);
      if (t == null) {
        throw new IllegalStateException("input " + name + " of " + n.name() + " not converted yet");
      }
      return t;
    }

    private long[] intsOf(TfNode n, int index) {
      TfjsWeight c = weight(n, n.inputs().get(index));
      return Arrays.stream(c.ints()).asLongStream().toArray();
    }

    // ---- element-wise

    private Tensor unary(TfNode n, CnnOperator op) {
      arity(n, 1);
      Tensor x = data(n, 0);
      w.node(op, n.name(), List.of(x.name()), n.name(), Map.of());
      return new Tensor(n.name(), x.shape());
    }

    private Tensor softmax(TfNode n) {
      arity(n, 1);
      Tensor x = data(n, 0);
      // TF's Softmax normalises the last axis; opset 13+ Softmax does exactly one axis too
      w.node(CnnOperator.SOFTMAX, n.name(), List.of(x.name()), n.name(), Map.of("axis", -1L));
      return new Tensor(n.name(), x.shape());
    }

    private Tensor square(TfNode n) {
      arity(n, 1);
      Tensor x = data(n, 0);
      w.node(CnnOperator.MUL, n.name(), List.of(x.name(), x.name()), n.name(), Map.of());
      return new Tensor(n.name(), x.shape());
    }

    private Tensor rsqrt(TfNode n) {
      arity(n, 1);
      Tensor x = data(n, 0);
      String sqrt =
          w.node(
              CnnOperator.SQRT,
              n.name() + "/sqrt",
              List.of(x.name()),
              n.name() + "/sqrt",
              Map.of());
      w.node(CnnOperator.RECIPROCAL, n.name(), List.of(sqrt), n.name(), Map.of());
      return new Tensor(n.name(), x.shape());
    }

    private Tensor binary(TfNode n, CnnOperator op) {
      arity(n, 2);
      Tensor a = data(n, 0);
      Tensor b = data(n, 1);
      w.node(op, n.name(), List.of(a.name(), b.name()), n.name(), Map.of());
      return new Tensor(n.name(), broadcast(n, a.shape(), b.shape()));
    }

    // ---- convolution, pooling, matmul

    private Tensor conv(TfNode n, boolean depthwise) {
      boolean fused = n.op().startsWith("_Fused") || n.op().startsWith("Fused");
      List<String> fusedOps = fused ? n.strings("fused_ops") : List.of();
      int args = fused ? (int) n.integer("num_args", 0) : 0;
      arity(n, 2 + args);
      Tensor x = data(n, 0);
      requireNhwc(n, x);
      TfjsWeight filter = weight(n, n.inputs().get(1));
      int[] f = filter.shape();
      if (f.length != 4) {
        throw new TfjsFormatException(
            "node " + n.name() + ": filter " + filter.name() + " is not 4-D");
      }
      int kh = f[0];
      int kw = f[1];
      int in = f[2];
      int out = depthwise ? f[2] * f[3] : f[3];
      if (x.shape()[3] >= 0 && x.shape()[3] != in) {
        throw new TfjsFormatException(
            "node " + n.name() + ": filter expects " + in + " channels, input has " + x.shape()[3]);
      }
      long[] strides = spatial(n, "strides");
      long[] dilations =
          n.ints("dilations").length == 0 ? new long[] {1, 1} : spatial(n, "dilations");
      long[] pads = pads(n, x.shape(), new long[] {kh, kw}, strides, dilations);

      String weightName = filter.name() + (depthwise ? "/oihw_depthwise" : "/oihw");
      if (!w.has(weightName)) {
        float[] oihw =
            depthwise
                ? depthwiseToOihw(filter.floats(), kh, kw, f[2], f[3])
                : hwioToOihw(filter.floats(), kh, kw, f[2], f[3]);
        w.floats(weightName, oihw, out, depthwise ? 1 : in, kh, kw);
      }
      List<String> convInputs =
          new ArrayList<>(List.of(transpose(n, x.name(), NHWC_TO_NCHW), weightName));
      List<String> activations = new ArrayList<>(fusedOps);
      if (!activations.isEmpty() && activations.get(0).equals("BiasAdd")) {
        Tensor bias = data(n, 2);
        if (bias.shape().length != 1 || bias.shape()[0] != out) {
          throw new TfjsFormatException(
              "node "
                  + n.name()
                  + ": bias shape "
                  + Arrays.toString(bias.shape())
                  + " does not match "
                  + out
                  + " output channels");
        }
        convInputs.add(bias.name());
        activations.remove(0);
      }
      Map<String, Object> attrs = new TreeMap<>();
      attrs.put("dilations", dilations);
      attrs.put("group", depthwise ? (long) in : 1L);
      attrs.put("kernel_shape", new long[] {kh, kw});
      attrs.put("pads", pads);
      attrs.put("strides", strides);
      String conv =
          w.node(CnnOperator.CONV, n.name() + "/conv", convInputs, n.name() + "/nchw_out", attrs);
      long[] shape = {
        x.shape()[0],
        outSize(x.shape()[1], kh, strides[0], dilations[0], pads[0] + pads[2]),
        outSize(x.shape()[2], kw, strides[1], dilations[1], pads[1] + pads[3]),
        out
      };
      String nhwc = activations.isEmpty() ? n.name() : n.name() + "/pre_activation";
      w.node(
          CnnOperator.TRANSPOSE,
          n.name() + "/to_nhwc",
          List.of(conv),
          nhwc,
          Map.of("perm", NCHW_TO_NHWC));
      return activate(n, new Tensor(nhwc, shape), activations, 3);
    }

    private Tensor maxPool(TfNode n) {
      arity(n, 1);
      Tensor x = data(n, 0);
      requireNhwc(n, x);
      long[] k = spatial(n, "ksize");
      long[] strides = spatial(n, "strides");
      long[] pads = pads(n, x.shape(), k, strides, new long[] {1, 1});
      Map<String, Object> attrs = new TreeMap<>();
      attrs.put("kernel_shape", k);
      attrs.put("pads", pads);
      attrs.put("strides", strides);
      String pooled =
          w.node(
              CnnOperator.MAX_POOL,
              n.name() + "/pool",
              List.of(transpose(n, x.name(), NHWC_TO_NCHW)),
              n.name() + "/nchw_out",
              attrs);
      w.node(
          CnnOperator.TRANSPOSE,
          n.name() + "/to_nhwc",
          List.of(pooled),
          n.name(),
          Map.of("perm", NCHW_TO_NHWC));
      return new Tensor(
          n.name(),
          new long[] {
            x.shape()[0],
            outSize(x.shape()[1], k[0], strides[0], 1, pads[0] + pads[2]),
            outSize(x.shape()[2], k[1], strides[1], 1, pads[1] + pads[3]),
            x.shape()[3]
          });
    }

    private Tensor matMul(TfNode n) {
      List<String> fusedOps = new ArrayList<>(n.strings("fused_ops"));
      int args = (int) n.integer("num_args", 0);
      arity(n, 2 + args);
      Tensor a = data(n, 0);
      Tensor b = data(n, 1);
      boolean ta = n.bool("transpose_a", false);
      boolean tb = n.bool("transpose_b", false);
      if (a.shape().length != 2 || b.shape().length != 2) {
        throw new TfjsFormatException(
            "node "
                + n.name()
                + ": _FusedMatMul needs 2-D operands, got "
                + Arrays.toString(a.shape())
                + " x "
                + Arrays.toString(b.shape()));
      }
      long m = a.shape()[ta ? 1 : 0];
      long k = a.shape()[ta ? 0 : 1];
      long kb = b.shape()[tb ? 1 : 0];
      long cols = b.shape()[tb ? 0 : 1];
      if (k >= 0 && kb >= 0 && k != kb) {
        throw new TfjsFormatException(
            "node " + n.name() + ": inner dimensions " + k + " and " + kb + " differ");
      }
      List<String> gemmInputs = new ArrayList<>(List.of(a.name(), b.name()));
      if (!fusedOps.isEmpty() && fusedOps.get(0).equals("BiasAdd")) {
        gemmInputs.add(data(n, 2).name());
        fusedOps.remove(0);
      }
      Map<String, Object> attrs = new TreeMap<>();
      attrs.put("alpha", 1f);
      attrs.put("beta", 1f);
      attrs.put("transA", ta ? 1L : 0L);
      attrs.put("transB", tb ? 1L : 0L);
      String out = fusedOps.isEmpty() ? n.name() : n.name() + "/pre_activation";
      w.node(CnnOperator.GEMM, n.name() + "/gemm", gemmInputs, out, attrs);
      return activate(n, new Tensor(out, new long[] {m, cols}), fusedOps, 2);
    }

    /**
     * The fused activation after BiasAdd: none, Relu, Relu6 or Prelu (its alpha is the next
     * argument).
     */
    private Tensor activate(TfNode n, Tensor x, List<String> ops, int alphaInput) {
      if (ops.isEmpty()) {
        return x;
      }
      if (ops.size() > 1) {
        throw new TfjsFormatException(
            "node " + n.name() + ": fused ops " + n.strings("fused_ops") + " are not supported");
      }
      switch (ops.get(0)) {
        case "Relu" ->
            w.node(CnnOperator.RELU, n.name() + "/relu", List.of(x.name()), n.name(), Map.of());
        case "Relu6" -> {
          String lo = scalar(n.name() + "/relu6_min", 0f);
          String hi = scalar(n.name() + "/relu6_max", 6f);
          w.node(
              CnnOperator.CLIP, n.name() + "/relu6", List.of(x.name(), lo, hi), n.name(), Map.of());
        }
        case "Prelu" -> {
          if (n.inputs().size() <= alphaInput) {
            throw new TfjsFormatException(
                "node " + n.name() + ": fused Prelu without its alpha argument");
          }
          Tensor alpha = data(n, alphaInput);
          w.node(
              CnnOperator.PRELU,
              n.name() + "/prelu",
              List.of(x.name(), alpha.name()),
              n.name(),
              Map.of());
        }
        default ->
            throw new TfjsFormatException(
                "node " + n.name() + ": fused op " + ops.get(0) + " is not supported");
      }
      return new Tensor(n.name(), x.shape());
    }

    private String scalar(String name, float value) {
      return w.has(name) ? name : w.floats(name, new float[] {value});
    }

    // ---- shapes

    private Tensor reduce(TfNode n, boolean mean) {
      arity(n, 2);
      Tensor x = data(n, 0);
      long[] axes = normaliseAxes(n, intsOf(n, 1), x.shape().length);
      boolean keep = n.bool("keep_dims", false);
      if (mean) {
        w.node(
            CnnOperator.REDUCE_MEAN,
            n.name(),
            List.of(x.name()),
            n.name(),
            Map.of("axes", axes, "keepdims", keep ? 1L : 0L));
      } else {
        String axesName = w.longs(n.name() + "/axes", axes, axes.length);
        w.node(
            CnnOperator.REDUCE_SUM,
            n.name(),
            List.of(x.name(), axesName),
            n.name(),
            Map.of("keepdims", keep ? 1L : 0L));
      }
      List<Long> shape = new ArrayList<>();
      Set<Long> reduced = new HashSet<>();
      for (long a : axes) {
        reduced.add(a);
      }
      for (int i = 0; i < x.shape().length; i++) {
        if (!reduced.contains((long) i)) {
          shape.add(x.shape()[i]);
        } else if (keep) {
          shape.add(1L);
        }
      }
      return new Tensor(n.name(), shape.stream().mapToLong(Long::longValue).toArray());
    }

    private Tensor squeeze(TfNode n) {
      arity(n, 1);
      Tensor x = data(n, 0);
      long[] axes = normaliseAxes(n, n.ints("squeeze_dims"), x.shape().length);
      if (axes.length == 0) {
        throw new TfjsFormatException(
            "node " + n.name() + ": Squeeze without squeeze_dims is not supported");
      }
      Set<Long> drop = new HashSet<>();
      for (long a : axes) {
        if (x.shape()[(int) a] != 1) {
          throw new TfjsFormatException(
              "node "
                  + n.name()
                  + ": cannot squeeze axis "
                  + a
                  + " of "
                  + Arrays.toString(x.shape()));
        }
        drop.add(a);
      }
      String axesName = w.longs(n.name() + "/axes", axes, axes.length);
      w.node(CnnOperator.SQUEEZE, n.name(), List.of(x.name(), axesName), n.name(), Map.of());
      List<Long> shape = new ArrayList<>();
      for (int i = 0; i < x.shape().length; i++) {
        if (!drop.contains((long) i)) {
          shape.add(x.shape()[i]);
        }
      }
      return new Tensor(n.name(), shape.stream().mapToLong(Long::longValue).toArray());
    }

    private Tensor reshape(TfNode n) {
      arity(n, 2);
      Tensor x = data(n, 0);
      long[] target = intsOf(n, 1);
      long[] shape = target.clone();
      int unknown = -1;
      long known = 1;
      for (int i = 0; i < target.length; i++) {
        if (target[i] == -1 && unknown < 0) {
          unknown = i;
        } else if (target[i] <= 0) {
          // TF's 0 is a literal empty dimension, ONNX's 0 copies the input's: refuse rather than
          // guess
          throw new TfjsFormatException(
              "node " + n.name() + ": Reshape to " + Arrays.toString(target) + " is not supported");
        } else {
          known *= target[i];
        }
      }
      long inputKnown = 1;
      boolean inputHasBatch = false;
      for (long d : x.shape()) {
        if (d < 0) {
          inputHasBatch = true;
        } else {
          inputKnown *= d;
        }
      }
      if (unknown >= 0) {
        // with a symbolic batch the -1 can only stand for the batch: the rest must match exactly
        if (inputHasBatch) {
          if (known != inputKnown) {
            throw new TfjsFormatException(
                "node "
                    + n.name()
                    + ": cannot reshape "
                    + Arrays.toString(x.shape())
                    + " to "
                    + Arrays.toString(target));
          }
          shape[unknown] = -1;
        } else {
          if (inputKnown % known != 0) {
            throw new TfjsFormatException(
                "node "
                    + n.name()
                    + ": cannot reshape "
                    + Arrays.toString(x.shape())
                    + " to "
                    + Arrays.toString(target));
          }
          shape[unknown] = inputKnown / known;
        }
      } else if (inputHasBatch || known != inputKnown) {
        throw new TfjsFormatException(
            "node "
                + n.name()
                + ": cannot reshape "
                + Arrays.toString(x.shape())
                + " to "
                + Arrays.toString(target));
      }
      String shapeName = w.longs(n.name() + "/shape", target, target.length);
      w.node(CnnOperator.RESHAPE, n.name(), List.of(x.name(), shapeName), n.name(), Map.of());
      return new Tensor(n.name(), shape);
    }

    private Tensor pad(TfNode n) {
      arity(n, 2);
      Tensor x = data(n, 0);
      long[] p = intsOf(n, 1);
      int rank = x.shape().length;
      if (p.length != 2 * rank) {
        throw new TfjsFormatException(
            "node " + n.name() + ": paddings of " + p.length + " values for rank " + rank);
      }
      long[] pads = new long[2 * rank];
      long[] shape = x.shape();
      for (int i = 0; i < rank; i++) {
        if (p[2 * i] < 0 || p[2 * i + 1] < 0) {
          throw new TfjsFormatException("node " + n.name() + ": negative padding");
        }
        pads[i] = p[2 * i];
        pads[rank + i] = p[2 * i + 1];
        if (shape[i] >= 0) {
          shape[i] += p[2 * i] + p[2 * i + 1];
        }
      }
      String padsName = w.longs(n.name() + "/pads", pads, pads.length);
      w.node(
          CnnOperator.PAD,
          n.name(),
          List.of(x.name(), padsName),
          n.name(),
          Map.of("mode", "constant"));
      return new Tensor(n.name(), shape);
    }

    private String transpose(TfNode n, String x, long[] perm) {
      return w.node(
          CnnOperator.TRANSPOSE,
          n.name() + "/to_nchw",
          List.of(x),
          n.name() + "/nchw_in",
          Map.of("perm", perm));
    }

    private void requireNhwc(TfNode n, Tensor x) {
      String format = n.string("data_format").orElse("NHWC");
      if (!format.equals("NHWC")) {
        throw new TfjsFormatException(
            "node " + n.name() + ": data_format " + format + " is not supported");
      }
      if (x.shape().length != 4 || x.shape()[1] < 0 || x.shape()[2] < 0) {
        throw new TfjsFormatException(
            "node "
                + n.name()
                + ": needs a 4-D NHWC input of static height and width, got "
                + Arrays.toString(x.shape()));
      }
    }

    /** The H and W entries of an NHWC attribute list; N and C must be 1. */
    private long[] spatial(TfNode n, String key) {
      long[] v = n.ints(key);
      if (v.length != 4 || v[0] != 1 || v[3] != 1) {
        throw new TfjsFormatException(
            "node " + n.name() + ": " + key + " " + Arrays.toString(v) + " is not [1, h, w, 1]");
      }
      return new long[] {v[1], v[2]};
    }

    /** ONNX pads {@code [top, left, bottom, right]} for TF's padding of this node. */
    private long[] pads(TfNode n, long[] shape, long[] kernel, long[] strides, long[] dilations) {
      String padding =
          n.string("padding")
              .orElseThrow(
                  () -> new TfjsFormatException("node " + n.name() + ": no padding attribute"));
      switch (padding) {
        case "VALID":
          return new long[] {0, 0, 0, 0};
        case "SAME":
          {
            long[] before = new long[2];
            long[] after = new long[2];
            for (int i = 0; i < 2; i++) {
              long in = shape[1 + i];
              long out = (in + strides[i] - 1) / strides[i];
              long effective = (kernel[i] - 1) * dilations[i] + 1;
              long total = Math.max((out - 1) * strides[i] + effective - in, 0);
              before[i] = total / 2;
              after[i] = total - before[i];
            }
            return new long[] {before[0], before[1], after[0], after[1]};
          }
        case "EXPLICIT":
          {
            long[] e = n.ints("explicit_paddings");
            if (e.length != 8 || e[0] != 0 || e[1] != 0 || e[6] != 0 || e[7] != 0) {
              throw new TfjsFormatException(
                  "node "
                      + n.name()
                      + ": explicit_paddings "
                      + Arrays.toString(e)
                      + " must pad only height and width");
            }
            return new long[] {e[2], e[4], e[3], e[5]};
          }
        default:
          throw new TfjsFormatException(
              "node " + n.name() + ": padding " + padding + " is not supported");
      }
    }
  }

  private static long outSize(long in, long kernel, long stride, long dilation, long padTotal) {
    if (in < 0) {
      return -1;
    }
    long effective = (kernel - 1) * dilation + 1;
    return (in + padTotal - effective) / stride + 1;
  }

  private static long[] normaliseAxes(TfNode n, long[] axes, int rank) {
    long[] out = new long[axes.length];
    for (int i = 0; i < axes.length; i++) {
      long a = axes[i] < 0 ? axes[i] + rank : axes[i];
      if (a < 0 || a >= rank) {
        throw new TfjsFormatException(
            "node " + n.name() + ": axis " + axes[i] + " out of range for rank " + rank);
      }
      out[i] = a;
    }
    Arrays.sort(out);
    return out;
  }

  /** NumPy broadcasting, as TF's binary ops do; -1 (batch) against 1 or itself stays -1. */
  private static long[] broadcast(TfNode n, long[] a, long[] b) {
    int rank = Math.max(a.length, b.length);
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      long x = i < rank - a.length ? 1 : a[i - (rank - a.length)];
      long y = i < rank - b.length ? 1 : b[i - (rank - b.length)];
      if (x == y || y == 1) {
        out[i] = x;
      } else if (x == 1) {
        out[i] = y;
      } else if (x < 0 || y < 0) {
        out[i] = Math.max(x, y);
      } else {
        throw new TfjsFormatException(
            "node "
                + n.name()
                + ": shapes "
                + Arrays.toString(a)
                + " and "
                + Arrays.toString(b)
                + " do not broadcast");
      }
    }
    return out;
  }

  private static long[] toLongs(int[] v) {
    return Arrays.stream(v).asLongStream().toArray();
  }

  /** HWIO (TF) to OIHW (ONNX). */
  static float[] hwioToOihw(float[] w, int kh, int kw, int in, int out) {
    float[] r = new float[w.length];
    for (int h = 0; h < kh; h++) {
      for (int x = 0; x < kw; x++) {
        for (int i = 0; i < in; i++) {
          for (int o = 0; o < out; o++) {
            r[((o * in + i) * kh + h) * kw + x] = w[((h * kw + x) * in + i) * out + o];
          }
        }
      }
    }
    return r;
  }

  /** Depthwise HW(C)(M) (TF) to (C*M)1HW (ONNX, group = C); output channel c * M + m. */
  static float[] depthwiseToOihw(float[] w, int kh, int kw, int channels, int multiplier) {
    float[] r = new float[w.length];
    for (int h = 0; h < kh; h++) {
      for (int x = 0; x < kw; x++) {
        for (int c = 0; c < channels; c++) {
          for (int m = 0; m < multiplier; m++) {
            r[((c * multiplier + m) * kh + h) * kw + x] =
                w[((h * kw + x) * channels + c) * multiplier + m];
          }
        }
      }
    }
    return r;
  }
}
