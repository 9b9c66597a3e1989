package io.facegate.processor.core.embedding;

/**
 * An embedding that cannot be compared: wrong dimension, NaN or infinite components, or zero norm.
 * Callers treat it as a reason to deny, never as something to repair.
 */
public final class InvalidEmbeddingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidEmbeddingException(String message) {
    super(message);
  }
}
