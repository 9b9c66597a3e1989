package io.facegate.trainer.pretrained;

import io.facegate.trainer.export.CnnOperator;
import io.facegate.trainer.export.OnnxGraphWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the TF.js ops face-api's hand-written networks use ({@code tf.conv2d}, {@code
 * tf.separableConv2d}, {@code tf.maxPool}, {@code tf.avgPool}, ...) as ONNX nodes over NCHW
 * tensors, reproducing TensorFlow's semantics exactly: {@code 'same'} padding is TensorFlow's
 * asymmetric rule (the extra row and column go after, not before), written as explicit ONNX pads so
 * no runtime's {@code auto_pad} interpretation is involved. Shapes are known when the graph is
 * built (the networks have a fixed input size), so every value carries its per-sample dimensions
 * and each op checks what it is given.
 *
 * <p>Weights arrive in TF layouts ({@code [kh, kw, cin, cout]} filters, {@code [kh, kw, cin, 1]}
 * depthwise filters, {@code [in, out]} dense matrices) and are transposed to ONNX's here, in one
 * place. The ONNX messages themselves are written by the project's {@link OnnxGraphWriter}.
 */
final class TfOpsGraph {

  /** TensorFlow's two padding modes. */
  enum Padding {
    /** Output {@code ceil(in / stride)}; the odd padding pixel goes after (bottom, right). */
    SAME,
    /** No padding; output {@code floor((in - k) / stride) + 1}. */
    VALID
  }

  /**
   * A tensor in the graph: its name and its dimensions without the (symbolic) batch dimension,
   * {@code [C, H, W]} for images, {@code [D]} for vectors.
   */
  record Value(String name, int[] dims) {
    Value {
      dims = dims.clone();
    }

    int channels() {
      return dims[0];
    }

    int height() {
      return dims[1];
    }

    int width() {
      return dims[2];
    }

    @Override
    public int[] dims() {
      return dims.clone();
    }

    @Override
    public String toString() {
      return name + Arrays.toString(dims);
    }
  }

  private final OnnxGraphWriter graph;
  private int counter;
  private long parameters;

  TfOpsGraph(String name) {
    this.graph = new OnnxGraphWriter(name);
  }

  /** Declares a float graph input {@code [batch, dims...]}. */
  Value input(String name, int... dims) {
    graph.input(name, withBatch(dims));
    return new Value(name, dims);
  }

  /**
   * Declares {@code value} a graph output under {@code name} (an Identity when the names differ).
   */
  void output(Value value, String name) {
    if (!value.name().equals(name)) {
      node(CnnOperator.IDENTITY, name, List.of(value.name()), Map.of());
    }
    graph.output(name, withBatch(value.dims));
  }

  /**
   * Number of weight values written as initializers (constants of the op rewriting not counted).
   */
  long parameterCount() {
    return parameters;
  }

  /**
   * The serialised model: this graph, the given {@code metadata_props} (sorted, so the same weights
   * give the same bytes).
   */
  byte[] toModel(Map<String, String> metadata, String producerVersion, String docString) {
    return graph.model("facegate-pretrained", producerVersion, docString, metadata).toByteArray();
  }

  /**
   * {@code tf.conv2d(x, filters, [stride, stride], padding)} plus an optional bias.
   *
   * @param filters TF layout {@code [kh, kw, cin, cout]}
   * @param bias {@code [cout]} or null
   */
  Value conv2d(Value x, TfjsWeight filters, TfjsWeight bias, int stride, Padding padding) {
    int[] s = filters.shape();
    requireShape(filters, 4);
    if (s[2] != x.channels()) {
      throw new TfjsFormatException(
          filters.name() + ": expects " + s[2] + " input channels, the layer gets " + x);
    }
    float[] w = hwioToOihw(filters.floats(), s[0], s[1], s[2], s[3]);
    String wName = weight(filters.name(), w, s[3], s[2], s[0], s[1]);
    return conv(x, wName, bias, s[3], s[0], s[1], stride, padding, 1);
  }

  /**
   * {@code tf.separableConv2d(x, depthwise, pointwise, [stride, stride], padding)} plus bias: a
   * depthwise convolution carrying the stride and padding, then a 1x1 convolution, as TF.js
   * computes it.
   *
   * @param depthwise TF layout {@code [kh, kw, cin, 1]}
   * @param pointwise TF layout {@code [1, 1, cin, cout]}
   */
  Value separableConv2d(
      Value x,
      TfjsWeight depthwise,
      TfjsWeight pointwise,
      TfjsWeight bias,
      int stride,
      Padding padding) {
    requireShape(depthwise, 4);
    requireShape(pointwise, 4);
    int[] d = depthwise.shape();
    int[] p = pointwise.shape();
    if (d[2] != x.channels() || d[3] != 1) {
      throw new TfjsFormatException(
          depthwise.name() + ": shape " + Arrays.toString(d) + " does not fit " + x);
    }
    if (p[0] != 1 || p[1] != 1 || p[2] != x.channels()) {
      throw new TfjsFormatException(
          pointwise.name() + ": shape " + Arrays.toString(p) + " does not fit " + x);
    }
    // [kh, kw, c, 1] read as [kh, kw, cin = c, cout = 1] becomes [1, c, kh, kw]: the same bytes as
    // the
    // grouped-convolution weight [c, 1, kh, kw] with one group per channel
    float[] dw = hwioToOihw(depthwise.floats(), d[0], d[1], d[2], 1);
    String dwName = weight(depthwise.name(), dw, d[2], 1, d[0], d[1]);
    Value mid = conv(x, dwName, null, d[2], d[0], d[1], stride, padding, d[2]);
    float[] pw = hwioToOihw(pointwise.floats(), 1, 1, p[2], p[3]);
    String pwName = weight(pointwise.name(), pw, p[3], p[2], 1, 1);
    return conv(mid, pwName, bias, p[3], 1, 1, 1, Padding.VALID, 1);
  }

  /** {@code x * scale + shift} per channel (face-api's scale layer). */
  Value channelAffine(Value x, TfjsWeight scale, TfjsWeight shift) {
    String mul =
        node(CnnOperator.MUL, fresh("scale"), List.of(x.name(), channelVector(scale, x)), Map.of());
    String add =
        node(CnnOperator.ADD, fresh("shift"), List.of(mul, channelVector(shift, x)), Map.of());
    return new Value(add, x.dims);
  }

  /**
   * {@code (x * 255 - mean[c]) / 255}: face-api's {@code normalize(x, meanRgb).div(255)} on the
   * contract's x / 255.
   */
  Value faceApiNormalize(Value x, float[] meanRgb) {
    if (x.channels() != meanRgb.length) {
      throw new IllegalArgumentException("mean has " + meanRgb.length + " values for " + x);
    }
    String pixels =
        node(
            CnnOperator.MUL,
            fresh("to_pixels"),
            List.of(x.name(), scalar(fresh("c255"), 255f)),
            Map.of());
    String mean = constant(fresh("mean_rgb"), meanRgb, meanRgb.length, 1L, 1L);
    String centred = node(CnnOperator.SUB, fresh("centre"), List.of(pixels, mean), Map.of());
    String out =
        node(
            CnnOperator.DIV,
            fresh("div255"),
            List.of(centred, scalar(fresh("c255"), 255f)),
            Map.of());
    return new Value(out, x.dims);
  }

  Value add(Value a, Value b) {
    if (!Arrays.equals(a.dims, b.dims)) {
      throw new IllegalArgumentException("cannot add " + a + " and " + b);
    }
    return new Value(
        node(CnnOperator.ADD, fresh("add"), List.of(a.name(), b.name()), Map.of()), a.dims);
  }

  Value relu(Value x) {
    return new Value(node(CnnOperator.RELU, fresh("relu"), List.of(x.name()), Map.of()), x.dims);
  }

  /** {@code tf.maxPool(x, k, stride, padding)}. */
  Value maxPool(Value x, int k, int stride, Padding padding) {
    return pool(CnnOperator.MAX_POOL, x, k, stride, padding);
  }

  /**
   * {@code tf.avgPool(x, k, stride, padding)}. With {@code SAME} TF averages over the pixels inside
   * the image only, which is {@code count_include_pad = 0}.
   */
  Value avgPool(Value x, int k, int stride, Padding padding) {
    return pool(CnnOperator.AVERAGE_POOL, x, k, stride, padding);
  }

  /** Appends zeros after the last channel, row and column (face-api's residualDown adjustments). */
  Value padAfter(Value x, int channels, int rows, int cols) {
    if (channels < 0 || rows < 0 || cols < 0) {
      throw new IllegalArgumentException("negative padding");
    }
    if (channels == 0 && rows == 0 && cols == 0) {
      return x;
    }
    String pads = int64(fresh("pads"), 0, 0, 0, 0, 0, channels, rows, cols);
    String out =
        node(CnnOperator.PAD, fresh("pad"), List.of(x.name(), pads), Map.of("mode", "constant"));
    return new Value(out, new int[] {x.channels() + channels, x.height() + rows, x.width() + cols});
  }

  /** {@code x.mean([1, 2])} in NHWC: the mean over rows and columns, giving {@code [batch, C]}. */
  Value meanOverSpace(Value x) {
    String pooled =
        node(CnnOperator.GLOBAL_AVERAGE_POOL, fresh("gap"), List.of(x.name()), Map.of());
    return new Value(
        node(CnnOperator.FLATTEN, fresh("flatten"), List.of(pooled), Map.of("axis", 1L)),
        new int[] {x.channels()});
  }

  /** {@code x.as2D(batch, -1)} of an NHWC tensor whose rows and columns are both 1. */
  Value flattenPixel(Value x) {
    if (x.height() != 1 || x.width() != 1) {
      // NCHW and NHWC flatten orders agree only for a single pixel
      throw new IllegalArgumentException("flattening " + x + " would reorder its features");
    }
    return new Value(
        node(CnnOperator.FLATTEN, fresh("flatten"), List.of(x.name()), Map.of("axis", 1L)),
        new int[] {x.channels()});
  }

  /**
   * {@code tf.matMul(x, weights)} plus an optional bias.
   *
   * @param weights TF layout {@code [in, out]}
   */
  Value dense(Value x, TfjsWeight weights, TfjsWeight bias) {
    requireShape(weights, 2);
    int[] s = weights.shape();
    if (x.dims.length != 1 || s[0] != x.dims[0]) {
      throw new TfjsFormatException(
          weights.name() + ": shape " + Arrays.toString(s) + " does not fit " + x);
    }
    String w = weight(weights.name(), weights.floats(), s[0], s[1]);
    List<String> inputs =
        bias == null ? List.of(x.name(), w) : List.of(x.name(), w, vector(bias, s[1]));
    Map<String, Object> attrs = new TreeMap<>();
    attrs.put("alpha", 1f);
    attrs.put("beta", 1f);
    return new Value(node(CnnOperator.GEMM, fresh("dense"), inputs, attrs), new int[] {s[1]});
  }

  /** Divides each row by its L2 norm. */
  Value l2Normalize(Value x) {
    return new Value(
        node(
            CnnOperator.LP_NORMALIZATION,
            fresh("l2norm"),
            List.of(x.name()),
            Map.of("axis", 1L, "p", 2L)),
        x.dims);
  }

  /** Output size of a TF convolution or pooling along one axis. */
  static int outputSize(int in, int k, int stride, Padding padding) {
    int out = padding == Padding.SAME ? (in + stride - 1) / stride : (in - k) / stride + 1;
    if (out <= 0) {
      throw new IllegalArgumentException(
          "a " + k + "x" + k + " window does not fit " + in + " pixels");
    }
    return out;
  }

  /** TF's padding before and after along one axis: the total needed, the odd pixel after. */
  static int[] tfPads(int in, int k, int stride, Padding padding) {
    if (padding == Padding.VALID) {
      return new int[] {0, 0};
    }
    int out = outputSize(in, k, stride, padding);
    int total = Math.max((out - 1) * stride + k - in, 0);
    return new int[] {total / 2, total - total / 2};
  }

  private Value conv(
      Value x,
      String weightName,
      TfjsWeight bias,
      int cout,
      int kh,
      int kw,
      int stride,
      Padding padding,
      int group) {
    int[] ph = tfPads(x.height(), kh, stride, padding);
    int[] pw = tfPads(x.width(), kw, stride, padding);
    Map<String, Object> attrs = new TreeMap<>();
    attrs.put("dilations", new long[] {1, 1});
    attrs.put("group", (long) group);
    attrs.put("kernel_shape", new long[] {kh, kw});
    attrs.put("pads", new long[] {ph[0], pw[0], ph[1], pw[1]});
    attrs.put("strides", new long[] {stride, stride});
    List<String> inputs =
        bias == null
            ? List.of(x.name(), weightName)
            : List.of(x.name(), weightName, vector(bias, cout));
    String out = node(CnnOperator.CONV, fresh("conv"), inputs, attrs);
    return new Value(
        out,
        new int[] {
          cout,
          outputSize(x.height(), kh, stride, padding),
          outputSize(x.width(), kw, stride, padding)
        });
  }

  private Value pool(CnnOperator op, Value x, int k, int stride, Padding padding) {
    int[] ph = tfPads(x.height(), k, stride, padding);
    int[] pw = tfPads(x.width(), k, stride, padding);
    Map<String, Object> attrs = new TreeMap<>();
    attrs.put("kernel_shape", new long[] {k, k});
    attrs.put("pads", new long[] {ph[0], pw[0], ph[1], pw[1]});
    attrs.put("strides", new long[] {stride, stride});
    if (op == CnnOperator.AVERAGE_POOL) {
      attrs.put("count_include_pad", 0L);
    }
    String out =
        node(
            op, fresh(op.getOpName().toLowerCase(java.util.Locale.ROOT)), List.of(x.name()), attrs);
    return new Value(
        out,
        new int[] {
          x.channels(),
          outputSize(x.height(), k, stride, padding),
          outputSize(x.width(), k, stride, padding)
        });
  }

  /** TF {@code [kh, kw, cin, cout]} to ONNX {@code [cout, cin, kh, kw]}. */
  static float[] hwioToOihw(float[] w, int kh, int kw, int cin, int cout) {
    float[] out = new float[w.length];
    for (int y = 0; y < kh; y++) {
      for (int x = 0; x < kw; x++) {
        for (int i = 0; i < cin; i++) {
          for (int o = 0; o < cout; o++) {
            out[((o * cin + i) * kh + y) * kw + x] = w[((y * kw + x) * cin + i) * cout + o];
          }
        }
      }
    }
    return out;
  }

  private String channelVector(TfjsWeight w, Value x) {
    requireShape(w, 1);
    if (w.shape()[0] != x.channels()) {
      throw new TfjsFormatException(w.name() + ": " + w.shape()[0] + " values for " + x);
    }
    return weight(w.name(), w.floats(), x.channels(), 1, 1);
  }

  private String vector(TfjsWeight w, int length) {
    requireShape(w, 1);
    if (w.shape()[0] != length) {
      throw new TfjsFormatException(
          w.name() + ": " + w.shape()[0] + " values, the layer has " + length);
    }
    return weight(w.name(), w.floats(), length);
  }

  private static void requireShape(TfjsWeight w, int rank) {
    if (w.shape().length != rank) {
      throw new TfjsFormatException(
          w.name() + ": expected rank " + rank + ", shape " + Arrays.toString(w.shape()));
    }
  }

  private String weight(String name, float[] values, long... dims) {
    parameters += values.length;
    return constant(name, values, dims);
  }

  private String scalar(String name, float value) {
    return constant(name, new float[] {value}, new long[0]);
  }

  private String constant(String name, float[] values, long... dims) {
    return graph.floats(name, values, dims);
  }

  private String int64(String name, long... values) {
    return graph.longs(name, values, values.length);
  }

  private String fresh(String stem) {
    return stem + "_" + (counter++);
  }

  private String node(
      CnnOperator op, String output, List<String> inputs, Map<String, Object> attributes) {
    return graph.node(op, output, inputs, output, attributes);
  }

  private static long[] withBatch(int[] dims) {
    long[] out = new long[dims.length + 1];
    out[0] = -1;
    for (int i = 0; i < dims.length; i++) {
      out[i + 1] = dims[i];
    }
    return out;
  }
}
