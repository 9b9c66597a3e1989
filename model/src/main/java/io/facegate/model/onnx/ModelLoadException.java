package io.facegate.model.onnx;

/**
 * The model cannot be used: the file is missing or unreadable, its inputs, outputs or metadata
 * break the contract, or the requested device cannot be loaded. Raised at start-up only, so the
 * application refuses to start instead of deciding with a model it does not understand.
 */
public final class ModelLoadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelLoadException(String message) {
    super(message);
  }

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
