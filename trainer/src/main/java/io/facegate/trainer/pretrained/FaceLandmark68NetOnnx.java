package io.facegate.trainer.pretrained;

import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.OnnxEmbedder;
import io.facegate.trainer.pretrained.TfOpsGraph.Padding;
import io.facegate.trainer.pretrained.TfOpsGraph.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rebuilds face-api's 68-point landmark networks ({@code src/faceLandmarkNet}, {@code
 * src/faceFeatureExtractor}) as ONNX: {@code FaceLandmark68Net} (four dense blocks of four
 * convolutions, 7x7 average pool, 256 -> 136) and {@code FaceLandmark68TinyNet} (three dense blocks
 * of three, 14x14 average pool, 128 -> 136).
 *
 * <p>Graph: input {@code input} float {@code [batch, 3, 112, 112]} holding RGB {@code x / 255};
 * inside, face-api's {@code (x * 255 - meanRgb) / 255}; output {@code landmarks} float {@code
 * [batch, 136]}, the network's raw output before face-api's {@code postProcess}: {@code x0, y0, x1,
 * y1, ...} as fractions of the 112 x 112 input. (For a square input that is what {@code
 * detectLandmarks} returns relative to the image; face-api pads a non-square face to a square,
 * centred, before resizing, and {@code postProcess} takes that padding back out.)
 *
 * <p>Not an embedding model: the metadata carries the input keys of {@link ModelMetadata} and a
 * {@code facegate.output} key but no embedding dimension or threshold, so the embedding loader
 * refuses it.
 */
public final class FaceLandmark68NetOnnx {

  /** Name of the output. */
  public static final String OUTPUT = "landmarks";

  /** Input side in pixels ({@code toBatchTensor(112, true)}). */
  public static final int INPUT_SIZE = 112;

  /** Number of landmark points. */
  public static final int POINTS = 68;

  /** The two sizes face-api ships. */
  public enum Variant {
    /** {@code FaceLandmark68Net}, weights {@code face_landmark_68_model}. */
    FULL("face_landmark_68_model", "face-api-landmark68", 4, 7),
    /** {@code FaceLandmark68TinyNet}, weights {@code face_landmark_68_tiny_model}. */
    TINY("face_landmark_68_tiny_model", "face-api-landmark68-tiny", 3, 14);

    private final String modelName;
    private final String backbone;
    private final int convsPerBlock;
    private final int poolSize;

    Variant(String modelName, String backbone, int convsPerBlock, int poolSize) {
      this.modelName = modelName;
      this.backbone = backbone;
      this.convsPerBlock = convsPerBlock;
      this.poolSize = poolSize;
    }

    /** face-api's name for the weights. */
    public String modelName() {
      return modelName;
    }

    /** Name of the network in model cards. */
    public String backbone() {
      return backbone;
    }
  }

  private FaceLandmark68NetOnnx() {}

  /**
   * Builds the ONNX model.
   *
   * @param card where the weights came from (model version, provenance)
   * @param producerVersion the code version written into the model
   * @throws TfjsFormatException when a weight is missing or its shape does not fit the network
   */
  public static byte[] build(
      TfjsWeights weights, Variant variant, PretrainedCard card, String producerVersion) {
    TfOpsGraph g = new TfOpsGraph("face-api-" + variant.backbone);
    Value x = g.input(OnnxEmbedder.INPUT, 3, INPUT_SIZE, INPUT_SIZE);
    x = g.faceApiNormalize(x, FaceRecognitionNetOnnx.MEAN_RGB);
    // dense0 .. dense(n-1): the blocks halve the side each time, 112 -> 7 (full) or 14 (tiny)
    int blocks = variant == Variant.FULL ? 4 : 3;
    for (int b = 0; b < blocks; b++) {
      x = denseBlock(g, weights, x, "dense" + b, variant.convsPerBlock, b == 0);
    }
    x = g.avgPool(x, variant.poolSize, 2, Padding.VALID);
    Value out = g.dense(g.flattenPixel(x), weights.get("fc/weights"), weights.get("fc/bias"));
    if (out.dims()[0] != 2 * POINTS) {
      throw new TfjsFormatException(
          "fc/weights: " + out.dims()[0] + " outputs, expected " + 2 * POINTS);
    }
    g.output(out, OUTPUT);
    Map<String, String> props = new TreeMap<>();
    props.put(ModelMetadata.MODEL_VERSION, card.modelVersion());
    props.put(ModelMetadata.INPUT_WIDTH, Integer.toString(INPUT_SIZE));
    props.put(ModelMetadata.INPUT_HEIGHT, Integer.toString(INPUT_SIZE));
    props.put(ModelMetadata.INPUT_CHANNELS, "3");
    props.put(ModelMetadata.INPUT_MEAN, "0.0,0.0,0.0");
    props.put(ModelMetadata.INPUT_STD, "1.0,1.0,1.0");
    props.put(ModelMetadata.PREFIX + "output", OUTPUT);
    props.put(ModelMetadata.PREFIX + "landmarks.points", Integer.toString(POINTS));
    props.put(
        ModelMetadata.PREFIX + "landmarks.layout",
        "x0,y0,x1,y1,... as fractions of the input side");
    card.provenance(variant.backbone, variant.modelName, g.parameterCount())
        .forEach((k, v) -> props.put(ModelMetadata.PROVENANCE_PREFIX + k, v));
    return g.toModel(
        props,
        producerVersion,
        "face-api " + variant.backbone + ": 68 facial landmarks, raw network output");
  }

  /**
   * {@code denseBlock3} / {@code denseBlock4}: a stride-2 entry convolution (a plain conv2d in the
   * first block, separable in the others), then separable convolutions each fed the ReLU of the sum
   * of all earlier outputs of the block; the block returns the ReLU of the sum of all of them.
   */
  private static Value denseBlock(
      TfOpsGraph g, TfjsWeights w, Value x, String prefix, int convs, boolean firstLayer) {
    Value out1 =
        firstLayer
            ? g.conv2d(
                x, w.get(prefix + "/conv0/filters"), w.get(prefix + "/conv0/bias"), 2, Padding.SAME)
            : separable(g, w, x, prefix + "/conv0", 2);
    List<Value> outs = new ArrayList<>();
    outs.add(g.relu(out1));
    for (int i = 1; i < convs; i++) {
      Value in = i == 1 ? outs.get(0) : g.relu(rightNestedSum(g, outs));
      outs.add(separable(g, w, in, prefix + "/conv" + i, 1));
    }
    return g.relu(rightNestedSum(g, outs));
  }

  /** {@code a + (b + (c + d))}, the order face-api adds in (float addition is not associative). */
  private static Value rightNestedSum(TfOpsGraph g, List<Value> values) {
    Value sum = values.get(values.size() - 1);
    for (int i = values.size() - 2; i >= 0; i--) {
      sum = g.add(values.get(i), sum);
    }
    return sum;
  }

  private static Value separable(TfOpsGraph g, TfjsWeights w, Value x, String prefix, int stride) {
    return g.separableConv2d(
        x,
        w.get(prefix + "/depthwise_filter"),
        w.get(prefix + "/pointwise_filter"),
        w.get(prefix + "/bias"),
        stride,
        Padding.SAME);
  }
}
