package io.facegate.model.face;

/**
 * A detector's output cannot be trusted: a NaN or infinite score or box encoding, or a box that
 * decodes to a non-finite coordinate. Never read as "no face": the caller treats every image of the
 * batch as undecided and denies.
 */
public final class FaceDetectionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message saying what was wrong. */
  public FaceDetectionException(String message) {
    super(message);
  }
}
