package io.facegate.platform.security;

import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.Outcome;
import io.facegate.schemas.SourceCoordinates;
import java.time.Instant;

/** A realistic decision for the signature tests. */
final class Decisions {
  private Decisions() {}

  static AccessDecision grant() {
    return AccessDecision.newBuilder()
        .setEventId("evt-0001")
        .setCameraId("cam-lobby-1")
        .setDoorId("door-lobby")
        .setOutcome(Outcome.GRANTED)
        .setReason(DecisionReason.MATCH)
        .setMatchedIdentity("alice")
        .setClaimedIdentity(null)
        .setDistance(0.41f)
        .setRunnerUpDistance(0.93f)
        .setThreshold(0.62f)
        .setModelVersion("siamese-2026-11-28")
        // sub-millisecond part on purpose: Avro keeps only millis
        .setCaptureTime(Instant.parse("2026-11-29T01:02:03.456789Z"))
        .setDecidedAt(Instant.parse("2026-11-29T01:02:03.500123Z"))
        .setProcessingLatencyMs(44)
        .setSource(new SourceCoordinates("camera-frames", 3, 1234L))
        .setDetail(null)
        .build();
  }
}
