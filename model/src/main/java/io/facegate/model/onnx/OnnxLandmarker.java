package io.facegate.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.facegate.model.face.FaceLandmarks;
import io.facegate.model.face.Landmarker;
import io.facegate.model.face.Letterbox;
import io.facegate.model.preprocess.RawImage;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A 68-point landmark network in ONNX Runtime (face-api's {@code face_landmark_68} family as
 * imported by the trainer): input {@code input} float {@code [batch, 3, S, S]} holding RGB / 255,
 * output {@code landmarks} float {@code [batch, 136]}, x/y interleaved, relative to the input
 * square. Each crop is padded to a square centred on it with black and resized as face-api feeds it
 * ({@link Letterbox#squareTensor}, TF.js's bilinear resize), the network's own convention; answers
 * are mapped back to the crop's pixels. Thread-safe; one long-lived session.
 */
public final class OnnxLandmarker implements Landmarker, AutoCloseable {

  /** Input name of the landmark model contract. */
  public static final String INPUT = "input";

  /** Output name of the landmark model contract. */
  public static final String OUTPUT = "landmarks";

  private final OrtSessions.Opened opened;
  private final int size;

  private OnnxLandmarker(OrtSessions.Opened opened, int size) {
    this.opened = opened;
    this.size = size;
  }

  /**
   * Loads and checks a landmark model.
   *
   * @throws ModelLoadException naming what is wrong with the file, device or contract
   */
  public static OnnxLandmarker open(Path file, DeviceSpec device, int intraOpThreads) {
    OrtSessions.Opened opened = OrtSessions.open(file, device, intraOpThreads);
    try {
      Map<String, NodeInfo> in = opened.session().getInputInfo();
      Map<String, NodeInfo> out = opened.session().getOutputInfo();
      if (in.size() != 1 || !in.containsKey(INPUT) || !out.containsKey(OUTPUT)) {
        throw new ModelLoadException(
            file
                + ": a landmark model needs input '"
                + INPUT
                + "' and output '"
                + OUTPUT
                + "', has "
                + in.keySet()
                + " -> "
                + out.keySet());
      }
      long[] inShape = ((TensorInfo) in.get(INPUT).getInfo()).getShape();
      long[] outShape = ((TensorInfo) out.get(OUTPUT).getInfo()).getShape();
      if (inShape.length != 4
          || inShape[1] != 3
          || inShape[2] <= 0
          || inShape[2] != inShape[3]
          || outShape.length != 2
          || outShape[1] != 2 * FaceLandmarks.POINTS_68) {
        throw new ModelLoadException(
            file
                + ": landmark model shapes "
                + Arrays.toString(inShape)
                + " -> "
                + Arrays.toString(outShape)
                + ", expected [batch, 3, S, S] -> [batch, 136]");
      }
      return new OnnxLandmarker(opened, (int) inShape[2]);
    } catch (OrtException | ClassCastException e) {
      opened.close();
      throw new ModelLoadException(file + ": cannot read the landmark model's signature: " + e, e);
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
  }

  /** The network's square input side. */
  public int inputSize() {
    return size;
  }

  @Override
  public float[][] locate(List<RawImage> crops) {
    int n = crops.size();
    if (n == 0) {
      return new float[0][];
    }
    int plane = size * size;
    float[] batch = new float[n * 3 * plane];
    for (int i = 0; i < n; i++) {
      squareInput(crops.get(i), batch, i * 3 * plane);
    }
    try (OnnxTensor input =
            OnnxTensor.createTensor(
                opened.env(), FloatBuffer.wrap(batch), new long[] {n, 3, size, size});
        OrtSession.Result result = opened.session().run(Map.of(INPUT, input))) {
      Optional<OnnxValue> value = result.get(OUTPUT);
      if (value.isEmpty()
          || !(value.get() instanceof OnnxTensor t)
          || !Arrays.equals(t.getInfo().getShape(), new long[] {n, 2 * FaceLandmarks.POINTS_68})) {
        throw new InferenceException("landmark model returned no [" + n + ", 136] tensor");
      }
      FloatBuffer fb = t.getFloatBuffer();
      float[][] out = new float[n][2 * FaceLandmarks.POINTS_68];
      for (int i = 0; i < n; i++) {
        fb.get(out[i]);
        toCropPixels(out[i], crops.get(i));
      }
      return out;
    } catch (OrtException e) {
      throw new InferenceException(
          "landmark inference failed for " + n + " crops: " + e.getMessage(), e);
    }
  }

  /** Relative coordinates in the padded square to the crop's pixels (NaN stays NaN). */
  private static void toCropPixels(float[] xy, RawImage crop) {
    int side = Math.max(crop.width(), crop.height());
    double padX = (side - crop.width()) / 2.0;
    double padY = (side - crop.height()) / 2.0;
    for (int k = 0; k < xy.length; k += 2) {
      xy[k] = (float) (xy[k] * side - padX);
      xy[k + 1] = (float) (xy[k + 1] * side - padY);
    }
  }

  /**
   * Writes the crop, centred in a zero-padded square and resized to the input size, as face-api's
   * {@code toBatchTensor(size, true)} does: the shorter side gets {@code round(diff / 2)} after and
   * the rest before.
   */
  void squareInput(RawImage crop, float[] dst, int offset) {
    int diff = Math.abs(crop.width() - crop.height());
    int before = diff - (int) Math.round(diff * 0.5);
    int left = crop.width() < crop.height() ? before : 0;
    int top = crop.height() < crop.width() ? before : 0;
    Letterbox.squareTensor(crop, size, left, top, dst, offset);
  }

  @Override
  public void close() {
    opened.close();
  }
}
