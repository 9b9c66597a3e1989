package io.facegate.processor.core.policy;

/**
 * The operating point of the access policy.
 *
 * @param threshold maximum Euclidean distance (between L2-normalised embeddings) for a grant; in
 *     (0, 2]
 * @param minMargin 1:N only: the runner-up must be at least this much farther than the nearest; 0
 *     disables the check
 */
public record PolicyConfig(float threshold, float minMargin) {
  public PolicyConfig {
    if (!(threshold > 0f && threshold <= 2f)) {
      throw new IllegalArgumentException(
          "processor.policy.threshold must be in (0, 2]: " + threshold);
    }
    if (!(minMargin >= 0f && minMargin < 2f)) {
      throw new IllegalArgumentException(
          "processor.policy.min-margin must be in [0, 2): " + minMargin);
    }
  }
}
