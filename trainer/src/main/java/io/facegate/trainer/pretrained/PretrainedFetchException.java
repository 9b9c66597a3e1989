package io.facegate.trainer.pretrained;

import java.io.IOException;

/**
 * Pretrained weights could not be fetched or verified; the message says what to do about it
 * (install npm, supply the tarball by hand, check the pin).
 */
public final class PretrainedFetchException extends IOException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed and what to do
   */
  public PretrainedFetchException(String message) {
    super(message);
  }

  /**
   * @param message what failed and what to do
   * @param cause the underlying failure
   */
  public PretrainedFetchException(String message, Throwable cause) {
    super(message, cause);
  }
}
