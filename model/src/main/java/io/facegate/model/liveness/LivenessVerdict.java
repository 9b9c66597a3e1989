package io.facegate.model.liveness;

/**
 * One face's liveness outcome, as the decision carries it.
 *
 * @param checked whether a liveness model scored the face ({@code false} when the stage is off)
 * @param score the model's live score in [0, 1], higher is more likely live; NaN when not checked
 * @param live whether the face passes the stage: when checked, {@code score >= threshold}; a NaN or
 *     out-of-range score never passes (fail closed); when off, always {@code true}
 */
public record LivenessVerdict(boolean checked, float score, boolean live) {

  private static final LivenessVerdict NOT_CHECKED = new LivenessVerdict(false, Float.NaN, true);

  /** Rejects a checked verdict that passes without a valid score. */
  public LivenessVerdict {
    if (checked && live && !(score >= 0f && score <= 1f)) {
      throw new IllegalArgumentException("a live verdict needs a score in [0, 1], got " + score);
    }
  }

  /** The stage is off: nothing was scored and the face passes it. */
  public static LivenessVerdict notChecked() {
    return NOT_CHECKED;
  }

  /**
   * A scored face: live when {@code score >= threshold}. NaN, infinite or out-of-range scores are
   * not live.
   */
  public static LivenessVerdict scored(float score, float threshold) {
    LivenessCheck.threshold(threshold);
    boolean valid = score >= 0f && score <= 1f;
    return new LivenessVerdict(true, score, valid && score >= threshold);
  }
}
