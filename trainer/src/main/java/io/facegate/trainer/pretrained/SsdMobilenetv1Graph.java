package io.facegate.trainer.pretrained;

import ai.onnx.proto.OnnxMl;
import io.facegate.trainer.export.CnnOperator;
import io.facegate.trainer.export.OnnxGraphWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rebuilds face-api's SSD MobileNetV1 face detector ({@code src/ssdMobilenetv1/*.ts} of
 * {@code @vladmandic/face-api}) from its TF.js weights as a plain ONNX CNN, ending before box
 * decoding and non-maximum suppression, which {@code io.facegate.model.face} does in Java.
 *
 * <p>The graph, layer for layer as face-api runs it:
 *
 * <ul>
 *   <li>input {@value #INPUT} float {@code [batch, 3, 512, 512]} holding {@code x / 255}, turned
 *       into face-api's {@code x / 127.5 - 1} inside the graph ({@code * 2 - 1}, bit-identical);
 *   <li>MobileNetV1: a 3x3 stride-2 conv, then 13 depthwise-separable pairs (3x3 depthwise conv
 *       with batch norm, epsilon 0.0010000000474974513, then a 1x1 conv with bias), relu6 after
 *       each; stride 2 at pairs 2, 4, 6 and 12;
 *   <li>the prediction layer: 8 more convs (1x1, then 3x3 stride 2, alternately) with relu6, and
 *       six box predictors (1x1 conv with bias, no activation) on pair 11, pair 13 and the
 *       prediction convs 1, 3, 5, 7: 3 anchors per cell on the 32x32 map, 6 on the others, {@value
 *       #ANCHOR_COUNT} in all, ordered row, column, anchor as TF's NHWC reshape orders them;
 *   <li>outputs {@value #BOX_ENCODINGS} {@code [batch, 5118, 4]} (raw {@code [ty, tx, th, tw]}),
 *       {@value #CLASS_LOGITS} {@code [batch, 5118]} (logit of class 1, face, before the sigmoid)
 *       and {@value #ANCHORS} {@code [5118, 4]} (the {@code Output/extra_dim} weight).
 * </ul>
 *
 * TF's {@code 'same'} padding is written as explicit pads: for stride 2 on an even size TF pads one
 * pixel at the bottom and right only, which ONNX's symmetric default would get wrong.
 */
public final class SsdMobilenetv1Graph {

  /** The weights manifest inside the face-api package. */
  public static final String MANIFEST = "model/ssd_mobilenetv1_model-weights_manifest.json";

  /** Input name. */
  public static final String INPUT = "image";

  /** Raw box encodings output. */
  public static final String BOX_ENCODINGS = "box_encodings";

  /** Face logits output. */
  public static final String CLASS_LOGITS = "class_logits";

  /** Anchors output. */
  public static final String ANCHORS = "anchors";

  /** Side of the square input. */
  public static final int INPUT_SIZE = 512;

  /** Boxes scored per image. */
  public static final int ANCHOR_COUNT = 5118;

  /** Metadata key naming the detector family, as {@code OnnxFaceDetector} checks it. */
  public static final String KIND_KEY = "facegate.detector.kind";

  /** The detector family written here. */
  public static final String KIND = "face-api-ssd-mobilenetv1";

  private static final float BN_EPSILON = 0.0010000000474974513f;
  private static final long BATCH = -1;

  private final TfjsWeights weights;
  private final OnnxGraphWriter graph = new OnnxGraphWriter("face-api-ssd-mobilenetv1");
  private int nodes;

  private SsdMobilenetv1Graph(TfjsWeights weights) {
    this.weights = weights;
  }

  /**
   * Builds the ONNX model.
   *
   * @param weights the decoded {@code ssd_mobilenetv1_model} weights
   * @param provenance {@code facegate.provenance.*} entries to record (package, integrity, ...)
   * @param producerVersion the code version recorded as the producer's
   * @throws TfjsFormatException when a weight is missing or has another shape than face-api's
   */
  public static OnnxMl.ModelProto build(
      TfjsWeights weights, Map<String, String> provenance, String producerVersion) {
    SsdMobilenetv1Graph g = new SsdMobilenetv1Graph(weights);
    g.buildGraph();
    Map<String, String> meta = new TreeMap<>();
    meta.put(KIND_KEY, KIND);
    meta.put(
        "facegate.detector.input",
        "image [batch, 3, 512, 512] RGB x/255; padded to a square"
            + " at the bottom/right and bilinear-resized as face-api does");
    provenance.forEach((k, v) -> meta.put("facegate.provenance." + k, v));
    return g.graph.model(
        "facegate-trainer",
        producerVersion,
        "face-api SSD MobileNetV1 face detector, raw outputs before box decoding and non-maximum"
            + " suppression",
        meta);
  }

  /**
   * Reads the weights from a fetched face-api package and writes the ONNX model to {@code out}.
   *
   * @throws IOException when the weights cannot be read or the model cannot be written
   */
  public static void write(FetchedPackage faceApi, String producerVersion, Path out)
      throws IOException {
    Path manifest = faceApi.file(MANIFEST);
    TfjsWeights weights = TfjsWeights.readManifest(manifest);
    Map<String, String> provenance = new TreeMap<>();
    provenance.put("package", faceApi.pkg().spec());
    provenance.put("integrity", faceApi.pkg().integrity());
    provenance.put("licence", faceApi.pkg().licence());
    provenance.put("weights_sha256", faceApi.sha256().get("model/ssd_mobilenetv1_model.bin"));
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(out, build(weights, provenance, producerVersion).toByteArray());
  }

  private void buildGraph() {
    graph.input(INPUT, BATCH, 3, INPUT_SIZE, INPUT_SIZE);
    String two = scalar("two", 2f);
    String one = scalar("one", 1f);
    String x =
        node(
            CnnOperator.SUB,
            List.of(node(CnnOperator.MUL, List.of(INPUT, two), Map.of()), one),
            Map.of());

    int size = INPUT_SIZE;
    x = convRelu6(x, "MobilenetV1/Conv2d_0_pointwise", 2, size);
    size = outSize(size, 2);
    String conv11 = null;
    int conv11Size = 0;
    for (int i = 1; i <= 13; i++) {
      int stride = (i == 2 || i == 4 || i == 6 || i == 12) ? 2 : 1;
      x = depthwise(x, "MobilenetV1/Conv2d_" + i + "_depthwise", stride, size);
      size = outSize(size, stride);
      x = convRelu6(x, "MobilenetV1/Conv2d_" + i + "_pointwise", 1, size);
      if (i == 11) {
        conv11 = x;
        conv11Size = size;
      }
    }
    List<String> features = new ArrayList<>(List.of(conv11, x));
    List<Integer> sizes = new ArrayList<>(List.of(conv11Size, size));
    String p = x;
    for (int i = 0; i < 8; i++) {
      int stride = i % 2 == 1 ? 2 : 1;
      p = convRelu6(p, "Prediction/Conv2d_" + i + "_pointwise", stride, size);
      size = outSize(size, stride);
      if (stride == 2) {
        features.add(p);
        sizes.add(size);
      }
    }
    List<String> boxes = new ArrayList<>();
    List<String> classes = new ArrayList<>();
    int anchors = 0;
    for (int k = 0; k < features.size(); k++) {
      String prefix = "Prediction/BoxPredictor_" + k;
      boxes.add(predictor(features.get(k), prefix + "/BoxEncodingPredictor", 4));
      classes.add(predictor(features.get(k), prefix + "/ClassPredictor", 3));
      int perCell = weights.get(prefix + "/ClassPredictor/weights").shape()[3] / 3;
      anchors += sizes.get(k) * sizes.get(k) * perCell;
    }
    if (anchors != ANCHOR_COUNT) {
      throw new TfjsFormatException(
          "the predictors score " + anchors + " boxes, face-api's SSD " + ANCHOR_COUNT);
    }
    node(CnnOperator.CONCAT, boxes, Map.of("axis", 1L), BOX_ENCODINGS);
    String allClasses = node(CnnOperator.CONCAT, classes, Map.of("axis", 1L));
    // a scalar index drops the class axis: [batch, 5118, 3] -> [batch, 5118]
    String faceIndex = graph.longs("face_class", new long[] {1});
    node(CnnOperator.GATHER, List.of(allClasses, faceIndex), Map.of("axis", 2L), CLASS_LOGITS);
    TfjsWeight extra = weights.get("Output/extra_dim");
    expectShape(extra, 1, ANCHOR_COUNT, 4);
    String anchorTable = graph.floats("Output/extra_dim", extra.floats(), ANCHOR_COUNT, 4);
    node(CnnOperator.IDENTITY, List.of(anchorTable), Map.of(), ANCHORS);

    graph.output(BOX_ENCODINGS, BATCH, ANCHOR_COUNT, 4);
    graph.output(CLASS_LOGITS, BATCH, ANCHOR_COUNT);
    graph.output(ANCHORS, ANCHOR_COUNT, 4);
  }

  /** face-api's {@code pointwiseConvLayer}: conv (any kernel) + bias, then relu6. */
  private String convRelu6(String x, String prefix, int stride, int inSize) {
    TfjsWeight w = weights.get(prefix + "/weights");
    TfjsWeight b = weights.get(prefix + "/convolution_bn_offset");
    String conv = conv(x, w, b, stride, inSize, 1);
    return relu6(conv);
  }

  /** face-api's {@code depthwiseConvLayer}: depthwise 3x3, batch norm, relu6. */
  private String depthwise(String x, String prefix, int stride, int inSize) {
    TfjsWeight w = weights.get(prefix + "/depthwise_weights");
    int[] s = w.shape();
    if (s.length != 4 || s[3] != 1) {
      throw new TfjsFormatException(prefix + ": depthwise filter of shape " + Arrays.toString(s));
    }
    int channels = s[2];
    String conv = conv(x, w, null, stride, inSize, channels);
    String bn =
        node(
            CnnOperator.BATCH_NORMALIZATION,
            List.of(
                conv,
                vector(prefix + "/BatchNorm/gamma", channels),
                vector(prefix + "/BatchNorm/beta", channels),
                vector(prefix + "/BatchNorm/moving_mean", channels),
                vector(prefix + "/BatchNorm/moving_variance", channels)),
            Map.of("epsilon", BN_EPSILON));
    return relu6(bn);
  }

  /** A box or class predictor: 1x1 conv with bias, NHWC-ordered and reshaped to [b, -1, k]. */
  private String predictor(String x, String prefix, int perAnchor) {
    TfjsWeight w = weights.get(prefix + "/weights");
    TfjsWeight b = weights.get(prefix + "/biases");
    String conv = conv(x, w, b, 1, 1, 1);
    String nhwc =
        node(CnnOperator.TRANSPOSE, List.of(conv), Map.of("perm", new long[] {0, 2, 3, 1}));
    // 0 keeps the (dynamic) batch dimension
    String shape = graph.longs(prefix + "/shape", new long[] {0, -1, perAnchor}, 3);
    return node(CnnOperator.RESHAPE, List.of(nhwc, shape), Map.of());
  }

  /**
   * A TF conv with {@code 'same'} padding: filters {@code [kh, kw, cin/group..., cout]} become
   * ONNX's {@code [cout, cin/group, kh, kw]}. For a depthwise conv ({@code group > 1}) TF's {@code
   * [kh, kw, C, 1]} becomes {@code [C, 1, kh, kw]}.
   */
  private String conv(String x, TfjsWeight w, TfjsWeight bias, int stride, int inSize, int group) {
    int[] s = w.shape();
    if (s.length != 4 || s[0] != s[1]) {
      throw new TfjsFormatException(
          w.name() + ": expected a square 4-d filter, got " + Arrays.toString(s));
    }
    int k = s[0];
    float[] v = w.floats();
    float[] onnx;
    long[] dims;
    if (group == 1) {
      int cin = s[2];
      int cout = s[3];
      onnx = new float[v.length];
      for (int h = 0; h < k; h++) {
        for (int ww = 0; ww < k; ww++) {
          for (int i = 0; i < cin; i++) {
            for (int o = 0; o < cout; o++) {
              onnx[((o * cin + i) * k + h) * k + ww] = v[((h * k + ww) * cin + i) * cout + o];
            }
          }
        }
      }
      dims = new long[] {cout, cin, k, k};
      if (bias != null) {
        expectShape(bias, cout);
      }
    } else {
      int c = s[2];
      onnx = new float[v.length];
      for (int h = 0; h < k; h++) {
        for (int ww = 0; ww < k; ww++) {
          for (int i = 0; i < c; i++) {
            onnx[(i * k + h) * k + ww] = v[(h * k + ww) * c + i];
          }
        }
      }
      dims = new long[] {c, 1, k, k};
    }
    List<String> inputs = new ArrayList<>(List.of(x, graph.floats(w.name(), onnx, dims)));
    if (bias != null) {
      inputs.add(graph.floats(bias.name(), bias.floats(), bias.size()));
    }
    // TF 'same': total = max((ceil(n / s) - 1) * s + k - n, 0), the odd pixel after
    int out = outSize(inSize, stride);
    int total = Math.max((out - 1) * stride + k - inSize, 0);
    long before = total / 2;
    long after = total - before;
    Map<String, Object> attrs = new TreeMap<>();
    attrs.put("dilations", new long[] {1, 1});
    attrs.put("group", (long) group);
    attrs.put("kernel_shape", new long[] {k, k});
    attrs.put("pads", new long[] {before, before, after, after});
    attrs.put("strides", new long[] {stride, stride});
    return node(CnnOperator.CONV, inputs, attrs);
  }

  private static int outSize(int in, int stride) {
    return (in + stride - 1) / stride;
  }

  private String relu6(String x) {
    return node(CnnOperator.CLIP, List.of(x, scalar("zero", 0f), scalar("six", 6f)), Map.of());
  }

  private String vector(String name, int length) {
    TfjsWeight w = weights.get(name);
    expectShape(w, length);
    return graph.floats(name, w.floats(), length);
  }

  private static void expectShape(TfjsWeight w, int... shape) {
    if (!Arrays.equals(w.shape(), shape)) {
      throw new TfjsFormatException(
          w.name()
              + ": shape "
              + Arrays.toString(w.shape())
              + ", face-api's SSD expects "
              + Arrays.toString(shape));
    }
  }

  private String scalar(String name, float value) {
    return graph.has(name) ? name : graph.floats(name, new float[] {value});
  }

  private String node(CnnOperator op, List<String> inputs, Map<String, Object> attrs) {
    return node(op, inputs, attrs, op.getOpName().toLowerCase(java.util.Locale.ROOT) + "_" + nodes);
  }

  private String node(
      CnnOperator op, List<String> inputs, Map<String, Object> attrs, String output) {
    return graph.node(op, op.getOpName() + "_" + nodes++, inputs, output, attrs);
  }
}
