package io.facegate.trainer.pretrained;

import io.facegate.model.face.DetectionSpec;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.OnnxEmbedder;
import io.facegate.model.preprocess.PreprocessSpec;
import io.facegate.trainer.pretrained.TfOpsGraph.Padding;
import io.facegate.trainer.pretrained.TfOpsGraph.Value;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rebuilds face-api's {@code FaceRecognitionNet} (its port of dlib's ResNet-29 face descriptor,
 * {@code src/faceRecognitionNet/FaceRecognitionNet.ts}) from the {@code face_recognition_model}
 * weights as an ONNX model that meets facegate's embedding contract.
 *
 * <p>Graph: input {@code input} float {@code [batch, 3, 150, 150]} holding RGB {@code x / 255}
 * (card mean 0, std 1); inside, face-api's own normalisation {@code (x * 255 - meanRgb) / 255}; a
 * 7x7/2 'valid' conv with its scale layer, 3x3/2 'valid' max pooling, the residual stages (32, 64,
 * 128, 256 channels, each stage but the first entered by {@code residualDown}), the mean over rows
 * and columns and the 256 x 128 matrix. Outputs: {@code embedding}, the descriptor L2-normalised
 * (first, so tools that read output 0 get the contract's output), and {@code raw}, the descriptor
 * exactly as face-api's {@code computeFaceDescriptor} returns it.
 *
 * <p>Channel counts are read from the weight shapes, not assumed, so a network with the same
 * structure and other widths (as the tests write) builds too; shapes that do not chain are a {@link
 * TfjsFormatException}.
 */
public final class FaceRecognitionNetOnnx {

  /** Name of the backbone in model cards. */
  public static final String BACKBONE = "dlib-resnet";

  /**
   * face-api's name for the weights ({@code model/face_recognition_model-weights_manifest.json}).
   */
  public static final String MODEL_NAME = "face_recognition_model";

  /** Name of the un-normalised descriptor output. */
  public static final String RAW = "raw";

  /** Input side in pixels ({@code toBatchTensor(150, true)}). */
  public static final int INPUT_SIZE = 150;

  /** face-api's per-channel RGB mean on the 0..255 scale. */
  static final float[] MEAN_RGB = {122.782f, 117.001f, 104.298f};

  private static final String[] STAGES = {
    "conv32_1",
    "conv32_2",
    "conv32_3",
    "conv64_down",
    "conv64_1",
    "conv64_2",
    "conv64_3",
    "conv128_down",
    "conv128_1",
    "conv128_2",
    "conv256_down",
    "conv256_1",
    "conv256_2",
    "conv256_down_out"
  };

  private FaceRecognitionNetOnnx() {}

  /**
   * The contract input face-api's network wants: 150 x 150 RGB, x / 255, normalisation in the
   * graph.
   */
  public static PreprocessSpec inputSpec() {
    return new PreprocessSpec(INPUT_SIZE, INPUT_SIZE, 3, new float[3], new float[] {1f, 1f, 1f});
  }

  /**
   * Builds the ONNX model.
   *
   * @param weights the decoded {@code face_recognition_model} weights
   * @param card where the weights came from (model version, provenance)
   * @param threshold the distance threshold on the L2-normalised embedding the metadata states
   * @param operatingPoint how that threshold was calibrated
   * @param calibration further provenance entries saying how the threshold was calibrated (may be
   *     empty)
   * @param detection the face detector written beside the model for whole frames, or null for none
   * @param producerVersion the code version written into the model
   * @throws TfjsFormatException when a weight is missing or its shape does not fit the network
   */
  public static byte[] build(
      TfjsWeights weights,
      PretrainedCard card,
      float threshold,
      String operatingPoint,
      Map<String, String> calibration,
      DetectionSpec detection,
      String producerVersion) {
    TfOpsGraph g = new TfOpsGraph("face-api-face-recognition-net");
    Value x = g.input(OnnxEmbedder.INPUT, 3, INPUT_SIZE, INPUT_SIZE);
    x = g.faceApiNormalize(x, MEAN_RGB);
    x = convLayer(g, weights, x, "conv32_down", 2, Padding.VALID, true);
    x = g.maxPool(x, 3, 2, Padding.VALID);
    for (String stage : STAGES) {
      x =
          stage.endsWith("_down") || stage.endsWith("_down_out")
              ? residualDown(g, weights, x, stage)
              : residual(g, weights, x, stage);
    }
    Value descriptor = g.dense(g.meanOverSpace(x), weights.get("fc"), null);
    int dim = descriptor.dims()[0];
    g.output(g.l2Normalize(descriptor), OnnxEmbedder.OUTPUT);
    g.output(descriptor, RAW);
    Map<String, String> provenance = new TreeMap<>(calibration);
    provenance.putAll(card.provenance(BACKBONE, MODEL_NAME, g.parameterCount()));
    ModelMetadata metadata =
        new ModelMetadata(
            card.modelVersion(),
            inputSpec(),
            dim,
            ModelMetadata.EUCLIDEAN,
            threshold,
            operatingPoint,
            provenance);
    if (detection != null) {
      metadata = metadata.withDetection(detection);
    }
    return g.toModel(
        metadata.toProperties(),
        producerVersion,
        "face-api FaceRecognitionNet (dlib ResNet-29 descriptor); distance = Euclidean on the L2-normalised output");
  }

  /** {@code residual}: two same-padded 3x3 conv layers, the input added back, ReLU. */
  private static Value residual(TfOpsGraph g, TfjsWeights w, Value x, String prefix) {
    Value out = convLayer(g, w, x, prefix + "/conv1", 1, Padding.SAME, true);
    out = convLayer(g, w, out, prefix + "/conv2", 1, Padding.SAME, false);
    return g.relu(g.add(out, x));
  }

  /**
   * {@code residualDown}: a 'valid' 3x3/2 conv layer and a same-padded one; the shortcut is a 2x2/2
   * 'valid' average pool, widened with zero channels. When the valid convolution comes out a pixel
   * smaller than the pooled shortcut (odd input sides: 8 -> 3 vs 4), face-api appends a zero row
   * and column to the convolution's output before adding.
   */
  private static Value residualDown(TfOpsGraph g, TfjsWeights w, Value x, String prefix) {
    Value out = convLayer(g, w, x, prefix + "/conv1", 2, Padding.VALID, true);
    out = convLayer(g, w, out, prefix + "/conv2", 1, Padding.SAME, false);
    Value pooled = g.avgPool(x, 2, 2, Padding.VALID);
    int extraRows = pooled.height() - out.height();
    int extraCols = pooled.width() - out.width();
    if (extraRows != 0 || extraCols != 0) {
      // face-api appends exactly one row and one column whenever either side differs
      if (extraRows < 0 || extraCols < 0 || extraRows > 1 || extraCols > 1) {
        throw new TfjsFormatException(
            prefix + ": face-api cannot add " + out + " to the shortcut " + pooled);
      }
      out = g.padAfter(out, 0, 1, 1);
    }
    int extraChannels = out.channels() - pooled.channels();
    if (extraChannels != 0) {
      // face-api concatenates zeros of the pooled shape, so the block exactly doubles the channels
      if (extraChannels != pooled.channels()) {
        throw new TfjsFormatException(
            prefix
                + ": face-api widens the shortcut only from C to 2C, not "
                + pooled.channels()
                + " to "
                + out.channels());
      }
      pooled = g.padAfter(pooled, extraChannels, 0, 0);
    }
    return g.relu(g.add(pooled, out));
  }

  /** face-api's {@code convLayer}: conv2d, bias, scale layer, optional ReLU. */
  private static Value convLayer(
      TfOpsGraph g,
      TfjsWeights w,
      Value x,
      String prefix,
      int stride,
      Padding padding,
      boolean relu) {
    Value out =
        g.conv2d(x, w.get(prefix + "/conv/filters"), w.get(prefix + "/conv/bias"), stride, padding);
    out = g.channelAffine(out, w.get(prefix + "/scale/weights"), w.get(prefix + "/scale/biases"));
    return relu ? g.relu(out) : out;
  }
}
