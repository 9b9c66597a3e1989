package io.facegate.trainer.pretrained;

/**
 * A TF.js model or weights file does not say what it must (bad manifest, shard of the wrong size,
 * non-finite weight, unsupported dtype or op). The message names the file, weight or node.
 */
public final class TfjsFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong and where
   */
  public TfjsFormatException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong and where
   * @param cause the underlying failure
   */
  public TfjsFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
