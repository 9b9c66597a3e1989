package io.facegate.cli.publish;

/**
 * A video file cannot be opened or one of its frames cannot be decoded; the message names the file.
 */
public final class VideoDecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  public VideoDecodeException(String message) {
    super(message);
  }

  public VideoDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
