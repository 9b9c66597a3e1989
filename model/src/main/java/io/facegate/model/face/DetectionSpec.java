package io.facegate.model.face;

/**
 * How a model's input face is cut out of a whole camera frame: the face detector (an ONNX file
 * beside the model, by file name) and the margin around its box that the model's crops had when
 * its threshold was calibrated.
 *
 * @param detectorModel file name of the detector model, resolved against the model's directory
 * @param margin fraction of the box's longer side added on every side of the square crop, in
 *     [0, 1]
 */
public record DetectionSpec(String detectorModel, double margin) {

  /** The face-api SSD MobileNetV1 file name {@code pretrained import} writes beside a model. */
  public static final String DEFAULT_DETECTOR_MODEL = "ssd_mobilenetv1.onnx";

  /** Validates the fields; the detector must be a plain file name, not a path. */
  public DetectionSpec {
    if (!AlignmentSpec.isFileName(detectorModel)) {
      throw new IllegalArgumentException("detector model must be a file name beside the model, got '"
          + detectorModel + "'");
    }
    if (!(margin >= 0 && margin <= 1)) {
      throw new IllegalArgumentException("detection margin must be in [0, 1], got " + margin);
    }
  }
}
