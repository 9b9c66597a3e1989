package io.facegate.trainer.data;

/**
 * A dataset that cannot be used (missing folder, no identities, unreadable image); one-line
 * message.
 */
public final class DatasetException extends IllegalArgumentException {

  /** A problem described in one line. */
  public DatasetException(String message) {
    super(message);
  }

  /** A problem described in one line, with its cause. */
  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
