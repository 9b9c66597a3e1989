package io.facegate.model.face;

/** A face could not be aligned: its landmarks are non-finite, degenerate or off the image. */
public final class FaceAlignmentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message saying what was wrong. */
  public FaceAlignmentException(String message) {
    super(message);
  }
}
