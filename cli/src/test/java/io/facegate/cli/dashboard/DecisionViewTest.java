package io.facegate.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facegate.platform.security.DecisionSigner;
import io.facegate.platform.security.DecisionVerifier;
import io.facegate.platform.security.KeyGen;
import io.facegate.platform.security.PemKeys;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.Outcome;
import io.facegate.schemas.SourceCoordinates;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --verify-keys}: the page's signature column comes from {@link DecisionView#of}. */
class DecisionViewTest {

  @TempDir Path keys;

  private DecisionSigner signer;
  private DecisionVerifier verifier;

  @BeforeEach
  void keys() throws Exception {
    KeyGen.KeyFiles files = KeyGen.generate("proc-1", keys);
    signer = new DecisionSigner("proc-1", PemKeys.readPrivateKey(files.privateKey()));
    verifier = DecisionVerifier.fromDirectory(keys);
  }

  private static AccessDecision denied() {
    Instant decided = Instant.parse("2026-01-01T10:00:00.250Z");
    return AccessDecision.newBuilder()
        .setEventId("e1")
        .setCameraId("cam-1")
        .setDoorId("door-1")
        .setOutcome(Outcome.DENIED)
        .setReason(DecisionReason.IDENTITY_MISMATCH)
        .setMatchedIdentity("bob")
        .setClaimedIdentity("ada")
        .setDistance(0.31f)
        .setThreshold(0.6f)
        .setModelVersion("m1")
        .setCaptureTime(decided.minusMillis(40))
        .setDecidedAt(decided)
        .setProcessingLatencyMs(12)
        .setSource(new SourceCoordinates("camera-frames", 0, 7L))
        .setDetail("matched bob, claimed ada")
        .build();
  }

  @Test
  void aGenuinelySignedDecisionVerifies() {
    assertEquals("ok", DecisionView.of(signer.signed(denied()), verifier).signature());
  }

  @Test
  void aTamperedDecisionDoesNotVerify() {
    AccessDecision tampered = signer.signed(denied());
    tampered.setOutcome(Outcome.GRANTED);

    DecisionView view = DecisionView.of(tampered, verifier);

    assertEquals("BAD_SIGNATURE", view.signature());
    assertEquals(true, view.granted(), "shown as it came, flagged");
  }

  @Test
  void anUnsignedDecisionOrAnUnknownKeyDoesNotVerify() throws Exception {
    assertEquals("MISSING_SIGNATURE", DecisionView.of(denied(), verifier).signature());

    KeyGen.KeyFiles other = KeyGen.generate("proc-2", keys.resolve("other"));
    DecisionSigner stranger =
        new DecisionSigner("proc-2", PemKeys.readPrivateKey(other.privateKey()));
    assertEquals("UNKNOWN_KEY", DecisionView.of(stranger.signed(denied()), verifier).signature());
  }

  @Test
  void withoutKeysNoSignatureIsClaimed() {
    assertNull(DecisionView.of(signer.signed(denied()), null).signature());
  }

  @Test
  void theViewCarriesWhatThePageShowsAndNoImage() {
    DecisionView view = DecisionView.of(denied(), verifier);
    ObjectNode o = new ObjectMapper().createObjectNode();

    view.writeTo(o);

    assertEquals("bob", view.person(), "the matched identity before the claimed one");
    assertEquals(40, view.latencyMs());
    assertEquals("matched bob, claimed ada", view.detail());
    assertEquals("MISSING_SIGNATURE", o.get("signature").asText());
    assertEquals("DENIED", o.get("outcome").asText());
    Set<String> fields = new java.util.TreeSet<>();
    o.fieldNames().forEachRemaining(fields::add);
    assertEquals(
        Set.of(
            "eventId",
            "door",
            "camera",
            "outcome",
            "reason",
            "person",
            "claimed",
            "distance",
            "threshold",
            "latencyMs",
            "processingMs",
            "decidedAt",
            "modelVersion",
            "detail",
            "signature"),
        fields);
  }
}
