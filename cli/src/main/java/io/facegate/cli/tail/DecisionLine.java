package io.facegate.cli.tail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.Outcome;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/** One decision as a line a person reads at the door, or as a JSON line for tools. */
public final class DecisionLine {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  private DecisionLine() {}

  /**
   * E.g. {@code 2026-11-29 10:01:02.345 door-1 GRANTED s12 MATCH distance 0.4123 <= 0.6000 latency
   * 38 ms}.
   *
   * @param d the decision
   * @param signature the signature check's verdict ("signature ok", "BAD SIGNATURE", ...), or null
   */
  public static String human(AccessDecision d, String signature) {
    StringBuilder s = new StringBuilder(128);
    s.append(TIME.format(d.getDecidedAt()))
        .append(' ')
        .append(d.getDoorId())
        .append(' ')
        .append(d.getOutcome())
        .append(' ')
        .append(d.getMatchedIdentity() == null ? "-" : d.getMatchedIdentity())
        .append(' ')
        .append(d.getReason());
    if (d.getDistance() != null) {
      s.append(
          String.format(
              " distance %.4f %s %.4f",
              d.getDistance(), d.getDistance() <= d.getThreshold() ? "<=" : ">", d.getThreshold()));
    }
    long latency = d.getDecidedAt().toEpochMilli() - d.getCaptureTime().toEpochMilli();
    s.append(" latency ").append(latency).append(" ms");
    if (d.getOutcome() == Outcome.DENIED && d.getDetail() != null) {
      s.append(" (").append(d.getDetail()).append(')');
    }
    if (signature != null) {
      s.append(" [").append(signature).append(']');
    }
    return s.toString();
  }

  /** The decision as one JSON object on one line (field names as in the Avro schema). */
  public static String json(AccessDecision d, String signature) {
    ObjectNode o = JSON.createObjectNode();
    o.put("eventId", d.getEventId());
    o.put("cameraId", d.getCameraId());
    o.put("doorId", d.getDoorId());
    o.put("outcome", d.getOutcome().name());
    o.put("reason", d.getReason().name());
    o.put("matchedIdentity", d.getMatchedIdentity());
    o.put("claimedIdentity", d.getClaimedIdentity());
    if (d.getDistance() != null) {
      o.put("distance", d.getDistance());
    } else {
      o.putNull("distance");
    }
    if (d.getRunnerUpDistance() != null) {
      o.put("runnerUpDistance", d.getRunnerUpDistance());
    }
    o.put("threshold", d.getThreshold());
    o.put("modelVersion", d.getModelVersion());
    o.put("captureTime", d.getCaptureTime().toString());
    o.put("decidedAt", d.getDecidedAt().toString());
    o.put("processingLatencyMs", d.getProcessingLatencyMs());
    o.put(
        "source",
        d.getSource().getTopic()
            + "-"
            + d.getSource().getPartition()
            + "@"
            + d.getSource().getOffset());
    o.put("detail", d.getDetail());
    o.put("signatureKeyId", d.getSignatureKeyId());
    o.put(
        "signature",
        d.getSignature() == null
            ? null
            : Base64.getEncoder().encodeToString(d.getSignature().duplicate().array()));
    if (signature != null) {
      o.put("signatureCheck", signature);
    }
    return o.toString();
  }
}
