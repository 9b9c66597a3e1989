package io.facegate.processor.topology;

import io.facegate.schemas.AccessDecision;

/**
 * The last step before a decision is written: normally signing it (door controllers accept only
 * decisions signed by a trusted key). If sealing fails the processor writes a DENIED {@code
 * INTERNAL_ERROR} decision instead, so a grant is never published unsealed.
 */
@FunctionalInterface
public interface DecisionSeal {
  /** Writes decisions as they are (no signing key configured). */
  DecisionSeal UNSIGNED = d -> d;

  /** The decision to publish: a sealed copy of {@code decision}. */
  AccessDecision seal(AccessDecision decision);
}
