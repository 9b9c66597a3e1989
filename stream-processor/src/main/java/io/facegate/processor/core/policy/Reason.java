package io.facegate.processor.core.policy;

/** Why the policy decided as it did; {@link #MATCH} is the only reason that accompanies a grant. */
public enum Reason {
  /** Within the threshold (and the margin, in 1:N). */
  MATCH,
  /** 1:N: the nearest template is farther than the threshold. */
  NO_MATCH,
  /** 1:N: the nearest is within the threshold but the runner-up is too close behind it. */
  AMBIGUOUS_MATCH,
  /** 1:1: the claimed person's template is farther than the threshold. */
  IDENTITY_MISMATCH,
  /** 1:1: nobody with the claimed identity is enrolled. */
  UNKNOWN_IDENTITY,
  /** 1:N: no comparable template is enrolled at all. */
  NO_TEMPLATE,
  /** The template was built with another model version: different embedding space. */
  MODEL_VERSION_MISMATCH,
  /** The stored template is NaN, of the wrong dimension or zero. */
  INVALID_TEMPLATE,
  /** The probe embedding from the model is NaN, of the wrong dimension or zero. */
  INVALID_PROBE
}
