package io.facegate.cli.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facegate.platform.security.DecisionVerifier;
import io.facegate.platform.security.SignatureCheck;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.Outcome;

/**
 * What the page shows of one decision. Never image bytes: the opt-in probe thumbnail is attached
 * separately by {@link ProbeThumbnails}.
 *
 * @param person the matched identity, else the claimed one, else null
 * @param latencyMs capture to decision (what a person at the door waits)
 * @param signature "ok", the failed {@link SignatureCheck} name, or null when no keys were given
 */
record DecisionView(
    String eventId,
    String doorId,
    String cameraId,
    boolean granted,
    String reason,
    String person,
    String claimed,
    Float distance,
    float threshold,
    long latencyMs,
    long processingMs,
    long decidedAt,
    String modelVersion,
    String detail,
    String signature) {

  static DecisionView of(AccessDecision d, DecisionVerifier verifier) {
    String signature = null;
    if (verifier != null) {
      SignatureCheck check = verifier.check(d);
      signature = check == SignatureCheck.VALID ? "ok" : check.name();
    }
    String person =
        d.getMatchedIdentity() != null ? d.getMatchedIdentity() : d.getClaimedIdentity();
    long decided = d.getDecidedAt().toEpochMilli();
    return new DecisionView(
        d.getEventId(),
        d.getDoorId(),
        d.getCameraId(),
        d.getOutcome() == Outcome.GRANTED,
        d.getReason().name(),
        person,
        d.getClaimedIdentity(),
        d.getDistance(),
        d.getThreshold(),
        Math.max(0, decided - d.getCaptureTime().toEpochMilli()),
        d.getProcessingLatencyMs(),
        decided,
        d.getModelVersion(),
        d.getOutcome() == Outcome.DENIED ? d.getDetail() : null,
        signature);
  }

  void writeTo(ObjectNode o) {
    o.put("eventId", eventId);
    o.put("door", doorId);
    o.put("camera", cameraId);
    o.put("outcome", granted ? "GRANTED" : "DENIED");
    o.put("reason", reason);
    o.put("person", person);
    o.put("claimed", claimed);
    if (distance != null) {
      o.put("distance", distance);
    } else {
      o.putNull("distance");
    }
    o.put("threshold", threshold);
    o.put("latencyMs", latencyMs);
    o.put("processingMs", processingMs);
    o.put("decidedAt", decidedAt);
    o.put("modelVersion", modelVersion);
    o.put("detail", detail);
    o.put("signature", signature);
  }
}
