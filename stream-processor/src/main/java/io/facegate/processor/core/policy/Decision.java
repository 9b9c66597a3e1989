package io.facegate.processor.core.policy;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the policy decided for one probe.
 *
 * @param outcome GRANTED only together with {@link Reason#MATCH}
 * @param reason why
 * @param matchedIdentity 1:N nearest identity, or the claimed identity in 1:1, when compared
 * @param distance distance to {@code matchedIdentity}, when compared
 * @param runnerUpDistance 1:N: distance to the second-nearest template, when there is one
 * @param threshold the threshold in force
 * @param detail a human-readable explanation for denials, empty for plain outcomes
 */
public record Decision(
    Outcome outcome,
    Reason reason,
    Optional<String> matchedIdentity,
    OptionalDouble distance,
    OptionalDouble runnerUpDistance,
    float threshold,
    Optional<String> detail) {
  public Decision {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(reason, "reason");
    if (outcome == Outcome.GRANTED && reason != Reason.MATCH) {
      throw new IllegalArgumentException("a grant needs reason MATCH, got " + reason);
    }
  }

  static Decision denied(Reason reason, float threshold, String detail) {
    return new Decision(
        Outcome.DENIED,
        reason,
        Optional.empty(),
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        threshold,
        Optional.ofNullable(detail));
  }

  public boolean granted() {
    return outcome == Outcome.GRANTED;
  }
}
