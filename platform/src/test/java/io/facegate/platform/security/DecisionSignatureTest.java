package io.facegate.platform.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.FaceRegion;
import io.facegate.schemas.Outcome;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DecisionSignatureTest {
  private static KeyPair k1;
  private static KeyPair k2;
  private static DecisionSigner signer;
  private static DecisionVerifier verifier;

  @BeforeAll
  static void keys() throws NoSuchAlgorithmException {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519");
    k1 = gen.generateKeyPair();
    k2 = gen.generateKeyPair();
    signer = new DecisionSigner("proc-2026-11", k1.getPrivate());
    verifier =
        new DecisionVerifier(
            Map.of("proc-2026-11", k1.getPublic(), "proc-2026-12", k2.getPublic()));
  }

  @Test
  void genuineDecisionVerifies() {
    AccessDecision d = signer.signed(Decisions.grant());
    assertEquals("proc-2026-11", d.getSignatureKeyId());
    assertEquals(64, d.getSignature().remaining());
    assertEquals(SignatureCheck.VALID, verifier.check(d));
    assertTrue(verifier.verify(d));
  }

  @Test
  void signingLeavesTheArgumentUntouched() {
    AccessDecision d = Decisions.grant();
    signer.signed(d);
    assertEquals(null, d.getSignature());
    assertEquals(null, d.getSignatureKeyId());
  }

  @Test
  void genuineDecisionStillVerifiesAfterAvroRoundTrip() throws IOException {
    AvroTrust.allowDecisions();
    AccessDecision d = signer.signed(Decisions.grant());
    ByteBuffer wire = AccessDecision.getEncoder().encode(d);
    AccessDecision back = AccessDecision.getDecoder().decode(wire);
    assertTrue(verifier.verify(back));
  }

  @Test
  void signatureIsDeterministicAndIgnoresExistingSignatureFields() {
    AccessDecision d = Decisions.grant();
    byte[] first = signer.sign(d);
    d.setSignatureKeyId("something-else");
    d.setSignature(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    assertArrayEquals(first, signer.sign(d));
  }

  static Stream<Arguments> essentialFieldTampering() {
    return Stream.of(
        tamper("eventId", d -> d.setEventId("evt-0002")),
        tamper("doorId", d -> d.setDoorId("door-vault")),
        tamper("cameraId", d -> d.setCameraId("cam-other")),
        tamper("outcome", d -> d.setOutcome(Outcome.DENIED)),
        tamper("reason", d -> d.setReason(DecisionReason.NO_MATCH)),
        tamper("matchedIdentity changed", d -> d.setMatchedIdentity("mallory")),
        tamper("matchedIdentity removed", d -> d.setMatchedIdentity(null)),
        tamper("claimedIdentity added", d -> d.setClaimedIdentity("alice")),
        tamper("distance changed", d -> d.setDistance(0.40999998f)),
        tamper("distance removed", d -> d.setDistance(null)),
        tamper("threshold", d -> d.setThreshold(0.9f)),
        tamper("modelVersion changed", d -> d.setModelVersion("siamese-old")),
        tamper("modelVersion removed", d -> d.setModelVersion(null)),
        tamper("captureTime", d -> d.setCaptureTime(d.getCaptureTime().plusMillis(1))),
        tamper("decidedAt", d -> d.setDecidedAt(d.getDecidedAt().plusSeconds(3600))),
        tamper("faceBox added", d -> d.setFaceBox(new FaceRegion(1f, 2f, 30f, 40f))),
        tamper("detectionScore added", d -> d.setDetectionScore(0.9f)));
  }

  static Stream<Arguments> faceFieldTampering() {
    return Stream.of(
        tamper("faceBox moved", d -> d.getFaceBox().setX(200f)),
        tamper("faceBox resized", d -> d.getFaceBox().setHeight(41f)),
        tamper("faceBox removed", d -> d.setFaceBox(null)),
        tamper("detectionScore changed", d -> d.setDetectionScore(0.51f)),
        tamper("detectionScore removed", d -> d.setDetectionScore(null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faceFieldTampering")
  void tamperingWithTheFaceOfAFrameDecisionFailsVerification(
      String name, Consumer<AccessDecision> change) {
    AccessDecision frame = Decisions.grant();
    frame.setFaceBox(new FaceRegion(10f, 20f, 30f, 40f));
    frame.setDetectionScore(0.93f);
    AccessDecision d = signer.signed(frame);
    assertTrue(verifier.verify(d), name + ": genuine first");
    change.accept(d);
    assertEquals(SignatureCheck.BAD_SIGNATURE, verifier.check(d), name);
    assertFalse(verifier.verify(d), name);
  }

  private static Arguments tamper(String name, Consumer<AccessDecision> change) {
    return Arguments.of(name, change);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("essentialFieldTampering")
  void tamperingWithAnEssentialFieldFailsVerification(
      String name, Consumer<AccessDecision> change) {
    AccessDecision d = signer.signed(Decisions.grant());
    change.accept(d);
    assertEquals(SignatureCheck.BAD_SIGNATURE, verifier.check(d), name);
    assertFalse(verifier.verify(d), name);
  }

  @Test
  void flippingOneSignatureBitFailsVerification() {
    AccessDecision d = signer.signed(Decisions.grant());
    for (int bit = 0; bit < 64 * 8; bit += 37) {
      byte[] sig = signer.sign(d);
      sig[bit / 8] ^= (byte) (1 << (bit % 8));
      d.setSignature(ByteBuffer.wrap(sig));
      assertFalse(verifier.verify(d), "bit " + bit);
    }
  }

  @Test
  void truncatedOrOverlongSignatureFailsVerification() {
    AccessDecision d = signer.signed(Decisions.grant());
    byte[] sig = signer.sign(d);
    d.setSignature(ByteBuffer.wrap(sig, 0, 63));
    assertFalse(verifier.verify(d));
    byte[] longer = Arrays.copyOf(sig, 65);
    d.setSignature(ByteBuffer.wrap(longer));
    assertFalse(verifier.verify(d));
  }

  @Test
  void relabellingTheKeyIdToAnotherTrustedKeyFailsVerification() {
    AccessDecision d = signer.signed(Decisions.grant());
    d.setSignatureKeyId("proc-2026-12");
    assertEquals(SignatureCheck.BAD_SIGNATURE, verifier.check(d));
  }

  @Test
  void unknownKeyIdFailsVerification() {
    AccessDecision d = signer.signed(Decisions.grant());
    d.setSignatureKeyId("proc-attacker");
    assertEquals(SignatureCheck.UNKNOWN_KEY, verifier.check(d));
    assertFalse(verifier.verify(d));
  }

  @Test
  void forgedGrantSignedWithAnUntrustedKeyFailsVerification() throws NoSuchAlgorithmException {
    KeyPair attacker = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    // the attacker reuses a trusted key id but holds a different private key
    AccessDecision forged =
        new DecisionSigner("proc-2026-11", attacker.getPrivate()).signed(Decisions.grant());
    assertEquals(SignatureCheck.BAD_SIGNATURE, verifier.check(forged));
  }

  @Test
  void missingSignatureOrKeyIdFailsClosed() {
    AccessDecision unsigned = Decisions.grant();
    assertEquals(SignatureCheck.MISSING_SIGNATURE, verifier.check(unsigned));

    AccessDecision noKeyId = signer.signed(Decisions.grant());
    noKeyId.setSignatureKeyId(null);
    assertEquals(SignatureCheck.MISSING_SIGNATURE, verifier.check(noKeyId));

    AccessDecision emptySig = signer.signed(Decisions.grant());
    emptySig.setSignature(ByteBuffer.allocate(0));
    assertFalse(verifier.verify(emptySig));
    assertFalse(verifier.verify(null));
  }

  @Test
  void decisionMissingAnEssentialFieldIsMalformedNotValid() {
    AccessDecision d = signer.signed(Decisions.grant());
    d.setEventId(null);
    assertEquals(SignatureCheck.MALFORMED, verifier.check(d));
    assertThrows(IllegalArgumentException.class, () -> signer.sign(d));
  }

  @Test
  void diagnosticFieldsAreNotCoveredSoTheyMayChange() {
    AccessDecision d = signer.signed(Decisions.grant());
    d.setDetail("re-published by the replay tool");
    d.setProcessingLatencyMs(999);
    assertTrue(verifier.verify(d));
  }

  @Test
  void rotationTrustsOldAndNewKeysUntilTheOldOneIsDropped() {
    DecisionSigner next = new DecisionSigner("proc-2026-12", k2.getPrivate());
    AccessDecision old = signer.signed(Decisions.grant());
    AccessDecision fresh = next.signed(Decisions.grant());
    assertTrue(verifier.verify(old));
    assertTrue(verifier.verify(fresh));

    DecisionVerifier afterRetirement = new DecisionVerifier(Map.of("proc-2026-12", k2.getPublic()));
    assertTrue(afterRetirement.verify(fresh));
    assertEquals(SignatureCheck.UNKNOWN_KEY, afterRetirement.check(old));
  }

  @Test
  void lengthPrefixingKeepsAdjacentFieldsApart() {
    AccessDecision a = Decisions.grant();
    a.setEventId("ab");
    a.setDoorId("c");
    AccessDecision b = Decisions.grant();
    b.setEventId("a");
    b.setDoorId("bc");
    assertFalse(
        Arrays.equals(DecisionCanonicalForm.encode(a, "k"), DecisionCanonicalForm.encode(b, "k")));
  }

  @Test
  void timestampsAreSignedAtMillisecondPrecision() {
    AccessDecision a = Decisions.grant();
    AccessDecision b = Decisions.grant();
    b.setCaptureTime(Instant.ofEpochMilli(a.getCaptureTime().toEpochMilli()));
    assertArrayEquals(DecisionCanonicalForm.encode(a, "k"), DecisionCanonicalForm.encode(b, "k"));
  }

  @Test
  void rejectsBadKeyIdsAndNonEd25519Keys() throws NoSuchAlgorithmException {
    assertThrows(
        IllegalArgumentException.class, () -> new DecisionSigner("../etc/passwd", k1.getPrivate()));
    assertThrows(IllegalArgumentException.class, () -> new DecisionSigner("", k1.getPrivate()));
    KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
    assertThrows(IllegalArgumentException.class, () -> new DecisionSigner("k", ec.getPrivate()));
  }
}
