package io.facegate.platform.security;

import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.Outcome;
import io.facegate.schemas.SourceCoordinates;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 only instantiates allow-listed classes when decoding; the serde configures this in
 * production, tests that decode an {@link AccessDecision} directly call {@link #allowDecisions()}.
 */
final class AvroTrust {
  private AvroTrust() {}

  static void allowDecisions() {
    ClassSecurityValidator.setGlobal(
        ClassSecurityValidator.composite(
            ClassSecurityValidator.getGlobal(),
            ClassSecurityValidator.builder()
                .add(AccessDecision.class)
                .add(SourceCoordinates.class)
                .add(Outcome.class)
                .add(DecisionReason.class)
                .build()));
  }
}
