package io.facegate.model.onnx;

import io.facegate.model.face.FaceLandmarks;
import io.facegate.model.face.Landmarker;
import io.facegate.model.face.Letterbox;
import io.facegate.model.preprocess.RawImage;
import java.nio.file.Path;
import java.util.List;

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

  private final SquareImageModel model;

  private OnnxLandmarker(SquareImageModel model) {
    this.model = model;
  }

  /**
   * Loads and checks a landmark model.
   *
   * @throws ModelLoadException naming what is wrong with the file, device or contract
   */
  public static OnnxLandmarker open(Path file, DeviceSpec device, int intraOpThreads) {
    return new OnnxLandmarker(
        SquareImageModel.open(
            file, device, intraOpThreads, "landmark", INPUT, OUTPUT, 2 * FaceLandmarks.POINTS_68));
  }

  /** The network's square input side. */
  public int inputSize() {
    return model.side();
  }

  @Override
  public float[][] locate(List<RawImage> crops) {
    int n = crops.size();
    if (n == 0) {
      return new float[0][];
    }
    int plane = model.side() * model.side();
    float[] batch = new float[n * 3 * plane];
    for (int i = 0; i < n; i++) {
      squareInput(crops.get(i), batch, i * 3 * plane);
    }
    float[] flat = model.run(batch, n, "crops");
    int width = 2 * FaceLandmarks.POINTS_68;
    float[][] out = new float[n][width];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * width, out[i], 0, width);
      toCropPixels(out[i], crops.get(i));
    }
    return out;
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
    Letterbox.squareTensor(crop, model.side(), left, top, dst, offset);
  }

  @Override
  public void close() {
    model.close();
  }
}
