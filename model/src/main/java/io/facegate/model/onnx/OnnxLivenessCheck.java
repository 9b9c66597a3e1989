package io.facegate.model.onnx;

import ai.onnxruntime.OrtException;
import io.facegate.model.liveness.LivenessCheck;
import io.facegate.model.liveness.LivenessVerdict;
import io.facegate.model.preprocess.PreprocessSpec;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.model.preprocess.RawImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A liveness model in ONNX Runtime (Human's {@code antispoof} or {@code liveness} as imported by
 * the trainer): input {@code input} float {@code [batch, 3, S, S]} holding RGB / 255, output {@code
 * liveness} float {@code [batch, 1]}, the live score in [0, 1], and the metadata entry {@link
 * #NETWORK_KEY}. Each crop goes through the project's {@link Preprocessor} (cover, centre crop,
 * anti-aliased resize to S, {@code x / 255}); a face is live when its score reaches the policy
 * threshold. Thread-safe; one long-lived session.
 */
public final class OnnxLivenessCheck implements LivenessCheck {

  /** Input name of the liveness model contract. */
  public static final String INPUT = "input";

  /** Output name of the liveness model contract. */
  public static final String OUTPUT = "liveness";

  /** Metadata key naming the network; a model without it is not a liveness model. */
  public static final String NETWORK_KEY = "facegate.liveness.network";

  private final SquareImageModel model;
  private final Preprocessor preprocessor;
  private final float threshold;
  private final String network;

  private OnnxLivenessCheck(SquareImageModel model, float threshold, String network) {
    this.model = model;
    this.threshold = threshold;
    this.network = network;
    int size = model.side();
    this.preprocessor =
        new Preprocessor(new PreprocessSpec(size, size, 3, new float[3], new float[] {1f, 1f, 1f}));
  }

  /**
   * Loads and checks a liveness model.
   *
   * @param threshold the policy threshold in [0, 1]: a face is live when its score is at or above
   *     it
   * @throws ModelLoadException naming what is wrong with the file, device or contract
   * @throws IllegalArgumentException when the threshold is not in [0, 1]
   */
  public static OnnxLivenessCheck open(
      Path file, DeviceSpec device, int intraOpThreads, float threshold) {
    LivenessCheck.threshold(threshold);
    SquareImageModel model =
        SquareImageModel.open(file, device, intraOpThreads, "liveness", INPUT, OUTPUT, 1);
    try {
      String network = model.metadata(NETWORK_KEY);
      if (network == null || network.isBlank()) {
        throw new ModelLoadException(
            file
                + ": no "
                + NETWORK_KEY
                + " in the model's metadata; import one with: facegate pretrained import liveness");
      }
      return new OnnxLivenessCheck(model, threshold, network);
    } catch (OrtException e) {
      model.close();
      throw new ModelLoadException(file + ": cannot read the liveness model's signature: " + e, e);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** The network's square input side. */
  public int inputSize() {
    return model.side();
  }

  /** The network's name from the model's metadata, e.g. {@code liveness}. */
  public String network() {
    return network;
  }

  /** The policy threshold. */
  public float threshold() {
    return threshold;
  }

  /**
   * The live scores of a batch of crops, without the threshold.
   *
   * @throws InferenceException if the model fails or returns no {@code [n, 1]} tensor
   */
  public float[] scores(List<RawImage> faces) {
    int n = faces.size();
    if (n == 0) {
      return new float[0];
    }
    int per = preprocessor.tensorSize();
    float[] batch = new float[n * per];
    for (int i = 0; i < n; i++) {
      preprocessor.toTensor(faces.get(i), batch, i * per);
    }
    return model.run(batch, n, "faces");
  }

  @Override
  public List<LivenessVerdict> check(List<RawImage> faces) {
    float[] scores = scores(faces);
    List<LivenessVerdict> out = new ArrayList<>(scores.length);
    for (float s : scores) {
      out.add(LivenessVerdict.scored(s, threshold));
    }
    return out;
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "%s >= %.3f", network, threshold);
  }

  @Override
  public void close() {
    model.close();
  }
}
