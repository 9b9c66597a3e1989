package io.facegate.model.face;

/**
 * How a model's input faces are aligned: the template its descriptor expects, the companion
 * landmark model (an ONNX file beside the model, by file name) and the landmark search on a crop.
 *
 * @param template where the five reference points go
 * @param landmarksModel file name of the landmark model, resolved against the model's directory
 * @param refinements landmark rounds after the first (see {@link LandmarkAligner})
 * @param margin fraction of the landmarks' box added on each side of a re-crop
 */
public record AlignmentSpec(
    AlignmentTemplate template, String landmarksModel, int refinements, double margin) {

  /** Most landmark rounds after the first. */
  public static final int MAX_REFINEMENTS = 4;

  /** Validates the fields; the landmark model must be a plain file name, not a path. */
  public AlignmentSpec {
    if (template == null) {
      throw new IllegalArgumentException("alignment template must not be null");
    }
    if (!isFileName(landmarksModel)) {
      throw new IllegalArgumentException(
          "landmarks model must be a file name beside the model, got '" + landmarksModel + "'");
    }
    if (refinements < 0 || refinements > MAX_REFINEMENTS) {
      throw new IllegalArgumentException(
          "alignment refinements must be in [0, 4], got " + refinements);
    }
    if (!(margin >= 0 && margin <= 1)) {
      throw new IllegalArgumentException("alignment margin must be in [0, 1], got " + margin);
    }
  }

  /** Whether {@code name} names a file in the model's own directory (no path, not hidden). */
  public static boolean isFileName(String name) {
    return name != null
        && !name.isBlank()
        && !name.contains("/")
        && !name.contains("\\")
        && !name.startsWith(".");
  }
}
