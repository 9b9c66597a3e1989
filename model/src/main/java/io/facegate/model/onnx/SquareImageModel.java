package io.facegate.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * An ONNX model that takes a batch of square RGB images, {@code input [batch, 3, S, S]}, and gives
 * one row of {@code width} floats per image, {@code output [batch, width]}: the session, the check
 * of that contract at load time and one batched run. The landmark and liveness networks are such
 * models.
 */
final class SquareImageModel implements AutoCloseable {
  private final OrtSessions.Opened opened;
  private final String kind;
  private final String input;
  private final String output;
  private final int side;
  private final int width;

  private SquareImageModel(
      OrtSessions.Opened opened, String kind, String input, String output, int side, int width) {
    this.opened = opened;
    this.kind = kind;
    this.input = input;
    this.output = output;
    this.side = side;
    this.width = width;
  }

  /**
   * Loads the model and checks its contract.
   *
   * @param kind what the model is, for messages ({@code landmark}, {@code liveness})
   * @throws ModelLoadException naming what is wrong with the file, device or contract
   */
  static SquareImageModel open(
      Path file,
      DeviceSpec device,
      int intraOpThreads,
      String kind,
      String input,
      String output,
      int width) {
    OrtSessions.Opened opened = OrtSessions.open(file, device, intraOpThreads);
    try {
      Map<String, NodeInfo> in = opened.session().getInputInfo();
      Map<String, NodeInfo> out = opened.session().getOutputInfo();
      if (in.size() != 1 || !in.containsKey(input) || !out.containsKey(output)) {
        throw new ModelLoadException(
            file
                + ": a "
                + kind
                + " model needs input '"
                + input
                + "' and output '"
                + output
                + "', has "
                + in.keySet()
                + " -> "
                + out.keySet());
      }
      long[] inShape = ((TensorInfo) in.get(input).getInfo()).getShape();
      long[] outShape = ((TensorInfo) out.get(output).getInfo()).getShape();
      if (inShape.length != 4
          || inShape[1] != 3
          || inShape[2] <= 0
          || inShape[2] != inShape[3]
          || outShape.length != 2
          || outShape[1] != width) {
        throw new ModelLoadException(
            file
                + ": "
                + kind
                + " model shapes "
                + Arrays.toString(inShape)
                + " -> "
                + Arrays.toString(outShape)
                + ", expected [batch, 3, S, S] -> [batch, "
                + width
                + "]");
      }
      return new SquareImageModel(opened, kind, input, output, (int) inShape[2], width);
    } catch (OrtException | ClassCastException e) {
      opened.close();
      throw new ModelLoadException(
          file + ": cannot read the " + kind + " model's signature: " + e, e);
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
  }

  /** The square input side S. */
  int side() {
    return side;
  }

  /** A custom metadata value of the model, or null. */
  String metadata(String key) throws OrtException {
    return opened.session().getMetadata().getCustomMetadata().get(key);
  }

  /**
   * Runs {@code n} images laid out as {@code [n, 3, S, S]} in {@code batch}; {@code n * width}
   * floats, row by row.
   *
   * @param what what the images are, for messages ({@code faces}, {@code crops})
   * @throws InferenceException if the model fails or returns no {@code [n, width]} tensor
   */
  float[] run(float[] batch, int n, String what) {
    try (OnnxTensor in =
            OnnxTensor.createTensor(
                opened.env(), FloatBuffer.wrap(batch), new long[] {n, 3, side, side});
        OrtSession.Result result = opened.session().run(Map.of(input, in))) {
      Optional<OnnxValue> value = result.get(output);
      if (value.isEmpty()
          || !(value.get() instanceof OnnxTensor t)
          || !Arrays.equals(t.getInfo().getShape(), new long[] {n, width})) {
        throw new InferenceException(kind + " model returned no [" + n + ", " + width + "] tensor");
      }
      float[] out = new float[n * width];
      t.getFloatBuffer().get(out);
      return out;
    } catch (OrtException e) {
      throw new InferenceException(
          kind + " inference failed for " + n + " " + what + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    opened.close();
  }
}
