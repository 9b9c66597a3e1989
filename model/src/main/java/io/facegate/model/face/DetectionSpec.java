package io.facegate.model.face;

/**
 * How a model's input face is cut out of a whole camera frame: the face detector (an ONNX file
 * beside the model, by file name) and the margin around its box that the model's crops had when its
 * threshold was calibrated.
 *
 * @param detectorModel file name of the detector model, resolved against the model's directory
 * @param margin fraction of the box's longer side added on every side of the square crop, in [0, 1]
 */
public record DetectionSpec(String detectorModel, double margin) {

  /** The face-api SSD MobileNetV1 file name {@code pretrained import} writes beside a model. */
  public static final String DEFAULT_DETECTOR_MODEL = "ssd_mobilenetv1.onnx";

  /**
   * The margin around a face-api SSD box that reproduces the crops of {@code celeba-faces}, on
   * which the imported models' thresholds and figures were measured: the median over its square
   * crops of {@code (side / max(w, h) - 1) / 2} for the SSD's best box (score above 0.5) in each
   * crop, the crop shown to the detector inside a black border of half its size (measured with
   * {@code ./facegate pretrained detect-stats --set celeba-faces --margin 0.5}; figures in
   * docs/face-detection.md).
   */
  public static final double FACE_API_SSD_CROP_MARGIN = 0.12;

  /** face-api's SSD beside the model, cutting faces as the celeba-faces crops are cut. */
  public static DetectionSpec faceApiSsd() {
    return new DetectionSpec(DEFAULT_DETECTOR_MODEL, FACE_API_SSD_CROP_MARGIN);
  }

  /** Validates the fields; the detector must be a plain file name, not a path. */
  public DetectionSpec {
    if (!AlignmentSpec.isFileName(detectorModel)) {
      throw new IllegalArgumentException(
          "detector model must be a file name beside the model, got '" + detectorModel + "'");
    }
    if (!(margin >= 0 && margin <= 1)) {
      throw new IllegalArgumentException("detection margin must be in [0, 1], got " + margin);
    }
  }
}
