package io.facegate.processor.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.processor.core.embedding.Gallery;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {
  private static final String V1 = "v1";
  private static final AccessPolicy POLICY = new AccessPolicy(new PolicyConfig(0.5f, 0f));

  private static float[] unit(double angle) {
    return new float[] {(float) Math.cos(angle), (float) Math.sin(angle)};
  }

  /** Chord length between unit vectors at angles 0 and a is 2 sin(a/2). */
  private static Gallery gallery() {
    Gallery g = new Gallery(V1, 2);
    g.put("alice", unit(0), V1);
    g.put("bob", unit(Math.PI / 2), V1);
    return g;
  }

  @Test
  void grantsNearestWithinThresholdInOneToN() {
    Decision d = POLICY.decide(unit(0.2), Optional.empty(), gallery());
    assertEquals(Outcome.GRANTED, d.outcome());
    assertEquals(Reason.MATCH, d.reason());
    assertEquals(Optional.of("alice"), d.matchedIdentity());
    assertEquals(2 * Math.sin(0.1), d.distance().getAsDouble(), 1e-6);
    assertTrue(d.runnerUpDistance().isPresent());
    assertEquals(0.5f, d.threshold());
  }

  @Test
  void deniesWhenNearestIsBeyondThreshold() {
    Decision d = POLICY.decide(unit(Math.PI / 4), Optional.empty(), gallery());
    assertEquals(Outcome.DENIED, d.outcome());
    assertEquals(Reason.NO_MATCH, d.reason());
    assertTrue(d.distance().getAsDouble() > 0.5);
  }

  @Test
  void grantsAtExactlyTheThreshold() {
    Gallery g = new Gallery(V1, 2);
    g.put("a", new float[] {1, 0}, V1);
    float[] probe = {1, 0};
    Decision d = new AccessPolicy(new PolicyConfig(0.0001f, 0f)).decide(probe, Optional.empty(), g);
    assertEquals(Outcome.GRANTED, d.outcome());
  }

  @Test
  void deniesAmbiguousMatchWhenRunnerUpWithinMargin() {
    Gallery g = new Gallery(V1, 2);
    g.put("a", unit(0), V1);
    g.put("b", unit(0.3), V1);
    AccessPolicy withMargin = new AccessPolicy(new PolicyConfig(0.5f, 0.1f));
    Decision d = withMargin.decide(unit(0.14), Optional.empty(), g);
    assertEquals(Outcome.DENIED, d.outcome());
    assertEquals(Reason.AMBIGUOUS_MATCH, d.reason());
    // the same probe passes without the margin requirement
    assertEquals(Outcome.GRANTED, POLICY.decide(unit(0.14), Optional.empty(), g).outcome());
  }

  @Test
  void grantsWithMarginWhenRunnerUpFarEnough() {
    AccessPolicy withMargin = new AccessPolicy(new PolicyConfig(0.5f, 0.1f));
    assertEquals(
        Outcome.GRANTED, withMargin.decide(unit(0.05), Optional.empty(), gallery()).outcome());
  }

  @Test
  void deniesNoTemplateWhenNobodyEnrolled() {
    Decision d = POLICY.decide(unit(0), Optional.empty(), new Gallery(V1, 2));
    assertEquals(Reason.NO_TEMPLATE, d.reason());
    assertEquals(Outcome.DENIED, d.outcome());
  }

  @Test
  void oneToOneGrantsClaimedIdentityWithinThreshold() {
    Decision d = POLICY.decide(unit(0.1), Optional.of("alice"), gallery());
    assertEquals(Outcome.GRANTED, d.outcome());
    assertEquals(Optional.of("alice"), d.matchedIdentity());
  }

  @Test
  void oneToOneDeniesIdentityMismatchEvenIfSomeoneElseMatches() {
    // the face is bob's, the badge says alice
    Decision d = POLICY.decide(unit(Math.PI / 2), Optional.of("alice"), gallery());
    assertEquals(Outcome.DENIED, d.outcome());
    assertEquals(Reason.IDENTITY_MISMATCH, d.reason());
    assertEquals(Optional.of("alice"), d.matchedIdentity());
  }

  @Test
  void oneToOneDeniesUnknownIdentity() {
    Decision d = POLICY.decide(unit(0), Optional.of("mallory"), gallery());
    assertEquals(Reason.UNKNOWN_IDENTITY, d.reason());
    assertEquals(Outcome.DENIED, d.outcome());
  }

  @Test
  void blankClaimIsTreatedAsOneToN() {
    assertEquals(Outcome.GRANTED, POLICY.decide(unit(0), Optional.of(" "), gallery()).outcome());
  }

  @Test
  void deniesModelVersionMismatchInsteadOfComparing() {
    Gallery g = gallery();
    g.put("carol", unit(1), "v0");
    Decision oneToOne = POLICY.decide(unit(1), Optional.of("carol"), g);
    assertEquals(Reason.MODEL_VERSION_MISMATCH, oneToOne.reason());
    assertEquals(Outcome.DENIED, oneToOne.outcome());

    Gallery onlyOld = new Gallery(V1, 2);
    onlyOld.put("carol", unit(1), "v0");
    Decision oneToN = POLICY.decide(unit(1), Optional.empty(), onlyOld);
    assertEquals(Reason.MODEL_VERSION_MISMATCH, oneToN.reason());
    assertEquals(Outcome.DENIED, oneToN.outcome());
  }

  @Test
  void deniesInvalidTemplate() {
    Gallery g = gallery();
    g.put("nan", new float[] {Float.NaN, 0}, V1);
    Decision d = POLICY.decide(unit(0), Optional.of("nan"), g);
    assertEquals(Reason.INVALID_TEMPLATE, d.reason());
    assertEquals(Outcome.DENIED, d.outcome());
  }

  @Test
  void deniesInvalidProbeOfNanOrWrongDimension() {
    assertEquals(
        Reason.INVALID_PROBE,
        POLICY.decide(new float[] {Float.NaN, 0}, Optional.empty(), gallery()).reason());
    assertEquals(
        Reason.INVALID_PROBE,
        POLICY.decide(new float[] {1, 0, 0}, Optional.of("alice"), gallery()).reason());
    assertEquals(
        Reason.INVALID_PROBE,
        POLICY.decide(new float[] {0, 0}, Optional.empty(), gallery()).reason());
  }

  @Test
  void grantRequiresMatchReason() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Decision(
                Outcome.GRANTED,
                Reason.NO_MATCH,
                Optional.empty(),
                java.util.OptionalDouble.empty(),
                java.util.OptionalDouble.empty(),
                0.5f,
                Optional.empty()));
  }

  @Test
  void configRejectsThresholdOutsideUnitChordRangeNamingTheKey() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new PolicyConfig(0f, 0f));
    assertTrue(e.getMessage().contains("policy.threshold"));
    assertThrows(IllegalArgumentException.class, () -> new PolicyConfig(Float.NaN, 0f));
    assertThrows(IllegalArgumentException.class, () -> new PolicyConfig(2.5f, 0f));
    assertThrows(IllegalArgumentException.class, () -> new PolicyConfig(0.5f, -1f));
  }
}
