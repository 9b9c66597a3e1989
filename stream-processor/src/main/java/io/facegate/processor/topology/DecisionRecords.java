package io.facegate.processor.topology;

import io.facegate.processor.core.policy.Decision;
import io.facegate.processor.core.policy.Reason;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DeadLetter;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.Outcome;
import io.facegate.schemas.SourceCoordinates;
import java.time.Instant;

/** Builds the Avro records the processor emits: decisions and dead letters. */
final class DecisionRecords {
  /** Stand-in for camera and door of a record whose value could not be read. */
  static final String UNKNOWN = "unknown";

  private static final int MAX_DETAIL = 500;

  private DecisionRecords() {}

  static DecisionReason toAvro(Reason reason) {
    return switch (reason) {
      case MATCH -> DecisionReason.MATCH;
      case NO_MATCH -> DecisionReason.NO_MATCH;
      case AMBIGUOUS_MATCH -> DecisionReason.AMBIGUOUS_MATCH;
      case IDENTITY_MISMATCH -> DecisionReason.IDENTITY_MISMATCH;
      case UNKNOWN_IDENTITY -> DecisionReason.UNKNOWN_IDENTITY;
      case NO_TEMPLATE -> DecisionReason.NO_TEMPLATE;
      case MODEL_VERSION_MISMATCH -> DecisionReason.MODEL_VERSION_MISMATCH;
      case INVALID_TEMPLATE -> DecisionReason.INVALID_TEMPLATE;
      case INVALID_PROBE -> DecisionReason.MODEL_ERROR;
    };
  }

  static SourceCoordinates source(BufferedInput in) {
    return new SourceCoordinates(in.topic(), in.partition(), in.offset());
  }

  /** The policy's decision for a readable event. */
  static AccessDecision fromPolicy(
      FaceEvent e, Decision d, String modelVersion, BufferedInput in, long now) {
    boolean granted = d.granted();
    AccessDecision.Builder b =
        base(e, in, modelVersion, now)
            .setOutcome(granted ? Outcome.GRANTED : Outcome.DENIED)
            .setReason(toAvro(d.reason()))
            .setThreshold(d.threshold())
            .setMatchedIdentity(d.matchedIdentity().orElse(null))
            .setDistance(d.distance().isPresent() ? (float) d.distance().getAsDouble() : null)
            .setRunnerUpDistance(
                d.runnerUpDistance().isPresent()
                    ? (float) d.runnerUpDistance().getAsDouble()
                    : null)
            .setDetail(d.detail().map(DecisionRecords::clip).orElse(null));
    return b.build();
  }

  /**
   * A denial for an event that never reached the policy.
   *
   * @param e the event, or null when the record value could not be read at all
   */
  static AccessDecision denied(
      FaceEvent e,
      BufferedInput in,
      DecisionReason reason,
      String detail,
      float threshold,
      String modelVersion,
      long now) {
    return base(e, in, modelVersion, now)
        .setOutcome(Outcome.DENIED)
        .setReason(reason)
        .setThreshold(threshold)
        .setDetail(clip(detail))
        .build();
  }

  private static AccessDecision.Builder base(
      FaceEvent e, BufferedInput in, String modelVersion, long now) {
    AccessDecision.Builder b =
        AccessDecision.newBuilder()
            .setModelVersion(modelVersion)
            .setDecidedAt(Instant.ofEpochMilli(now))
            .setProcessingLatencyMs(Math.max(0, now - in.receivedAtMs()))
            .setSource(source(in));
    if (e != null) {
      return b.setEventId(e.getEventId())
          .setCameraId(e.getCameraId())
          .setDoorId(e.getDoorId())
          .setClaimedIdentity(e.getClaimedIdentity())
          .setCaptureTime(e.getCaptureTime());
    }
    return b.setEventId(in.coordinatesId())
        .setCameraId(UNKNOWN)
        .setDoorId(in.key() == null ? UNKNOWN : in.key())
        .setCaptureTime(Instant.ofEpochMilli(in.timestamp()));
  }

  static DeadLetter deadLetter(
      BufferedInput in, String eventId, DecisionReason reason, String error, long now) {
    return DeadLetter.newBuilder()
        .setSource(source(in))
        .setEventId(eventId)
        .setReason(reason.name())
        .setError(clip(error == null ? reason.name() : error))
        .setPayloadSha256(in.sha256())
        .setPayloadSize(in.size())
        .setFailedAt(Instant.ofEpochMilli(now))
        .build();
  }

  static String clip(String s) {
    if (s == null) {
      return null;
    }
    return s.length() <= MAX_DETAIL ? s : s.substring(0, MAX_DETAIL) + "...";
  }
}
