package io.facegate.trainer.training;

/**
 * Training produced a NaN or infinite value (a loss, or an embedding of a validation image): the
 * run stops at once with the epoch and step, instead of carrying NaN weights into evaluation,
 * calibration and export. The usual cure is a lower learning rate.
 */
public final class TrainingDivergedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** A divergence described by {@code message}, which names where it happened. */
  public TrainingDivergedException(String message) {
    super(message);
  }

  /** A divergence detected by a check that threw {@code cause}. */
  public TrainingDivergedException(String message, Throwable cause) {
    super(message, cause);
  }
}
