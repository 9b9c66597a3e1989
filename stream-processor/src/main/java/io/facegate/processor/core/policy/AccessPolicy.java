package io.facegate.processor.core.policy;

import io.facegate.model.embedding.EuclideanDistance;
import io.facegate.processor.core.embedding.Gallery;
import io.facegate.processor.core.embedding.InvalidEmbeddingException;
import io.facegate.processor.core.embedding.Vectors;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Decides whether a probe embedding opens the door. With a claimed identity it verifies 1:1 against
 * that person only; otherwise it identifies 1:N against every comparable template.
 *
 * <p>Fails closed: a grant needs a valid probe, a comparable template of the same model version, a
 * finite distance not above the threshold and, in 1:N, the configured margin over the runner-up.
 * Everything else is DENIED with the reason.
 */
public final class AccessPolicy {
  private final PolicyConfig config;

  public AccessPolicy(PolicyConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public PolicyConfig config() {
    return config;
  }

  /**
   * Decides for {@code probe} against {@code gallery}.
   *
   * @param claimedIdentity the identity claimed by a badge, or empty for 1:N identification
   */
  public Decision decide(float[] probe, Optional<String> claimedIdentity, Gallery gallery) {
    float threshold = config.threshold();
    float[] unit;
    try {
      unit = Vectors.l2Normalised(probe, gallery.dim());
    } catch (InvalidEmbeddingException e) {
      return Decision.denied(Reason.INVALID_PROBE, threshold, e.getMessage());
    }
    Optional<String> claimed = claimedIdentity.filter(s -> !s.isBlank());
    return claimed.isPresent() ? verify(unit, claimed.get(), gallery) : identify(unit, gallery);
  }

  private Decision verify(float[] probe, String claimed, Gallery gallery) {
    float threshold = config.threshold();
    Gallery.Lookup lookup = gallery.lookup(claimed);
    switch (lookup.status()) {
      case ABSENT:
        return Decision.denied(
            Reason.UNKNOWN_IDENTITY, threshold, "no template for claimed identity " + claimed);
      case OTHER_MODEL_VERSION:
        return Decision.denied(Reason.MODEL_VERSION_MISMATCH, threshold, lookup.detail());
      case INVALID:
        return Decision.denied(Reason.INVALID_TEMPLATE, threshold, lookup.detail());
      case PRESENT:
        break;
      default:
        return Decision.denied(Reason.INVALID_TEMPLATE, threshold, "unknown lookup status");
    }
    double d;
    try {
      d = EuclideanDistance.between(probe, lookup.template());
    } catch (IllegalArgumentException e) {
      return Decision.denied(Reason.INVALID_TEMPLATE, threshold, e.getMessage());
    }
    boolean within = Double.isFinite(d) && d <= threshold;
    return new Decision(
        within ? Outcome.GRANTED : Outcome.DENIED,
        within ? Reason.MATCH : Reason.IDENTITY_MISMATCH,
        Optional.of(claimed),
        OptionalDouble.of(d),
        OptionalDouble.empty(),
        threshold,
        Optional.empty());
  }

  private Decision identify(float[] probe, Gallery gallery) {
    float threshold = config.threshold();
    Optional<Gallery.Nearest> found = gallery.nearest(probe);
    if (found.isEmpty()) {
      return gallery.setAsideCount() > 0
          ? Decision.denied(
              Reason.MODEL_VERSION_MISMATCH,
              threshold,
              "no template of model version "
                  + gallery.modelVersion()
                  + "; "
                  + gallery.setAsideCount()
                  + " set aside")
          : Decision.denied(Reason.NO_TEMPLATE, threshold, "no one is enrolled");
    }
    Gallery.Nearest n = found.get();
    OptionalDouble runnerUp =
        Double.isNaN(n.runnerUpDistance())
            ? OptionalDouble.empty()
            : OptionalDouble.of(n.runnerUpDistance());
    Reason reason;
    if (!Double.isFinite(n.distance()) || n.distance() > threshold) {
      reason = Reason.NO_MATCH;
    } else if (config.minMargin() > 0f
        && runnerUp.isPresent()
        && !(runnerUp.getAsDouble() - n.distance() >= config.minMargin())) {
      reason = Reason.AMBIGUOUS_MATCH;
    } else {
      reason = Reason.MATCH;
    }
    return new Decision(
        reason == Reason.MATCH ? Outcome.GRANTED : Outcome.DENIED,
        reason,
        Optional.of(n.identity()),
        OptionalDouble.of(n.distance()),
        runnerUp,
        threshold,
        Optional.empty());
  }
}
