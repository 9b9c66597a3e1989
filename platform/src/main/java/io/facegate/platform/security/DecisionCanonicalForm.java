package io.facegate.platform.security;

import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.FaceRegion;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The bytes a decision signature covers: a fixed domain tag, then the essential fields in a fixed
 * order, each length-prefixed or fixed-width, so no two different decisions encode alike and the
 * encoding does not depend on Avro's schema evolution or field order.
 *
 * <p>Layout (all integers big-endian):
 *
 * <pre>
 *   string  "facegate.access-decision.v2"  (as below: u32 length + UTF-8)
 *   string  signatureKeyId
 *   string  eventId
 *   string  doorId
 *   string  cameraId
 *   string  outcome          (enum symbol name)
 *   string  reason           (enum symbol name)
 *   opt     matchedIdentity  (string)
 *   opt     claimedIdentity  (string)
 *   opt     distance         (u32 IEEE-754 bits, NaNs collapsed)
 *   u32     threshold        (IEEE-754 bits)
 *   opt     modelVersion     (string)
 *   u64     captureTime      (epoch millis, sub-millisecond part dropped)
 *   u64     decidedAt        (epoch millis)
 *   opt     faceBox          (x, y, width, height: 4 x u32 IEEE-754 bits, NaNs collapsed)
 *   opt     detectionScore   (u32 IEEE-754 bits, NaNs collapsed)
 * where string = u32 byte length, UTF-8 bytes; opt = u8 0 (absent) | u8 1 then the value.
 * </pre>
 *
 * Fields outside this list (latency, source coordinates, detail text) are diagnostics and are not
 * covered: a door must not act on them. The face box and detection score of a frame decision are
 * covered (v2): they say which face in the frame the decision is about, so a relay must not be able
 * to move a grant onto another face of the same frame.
 */
public final class DecisionCanonicalForm {
  /** Domain-separation tag; bump the version when the layout changes. */
  public static final String DOMAIN = "facegate.access-decision.v2";

  private DecisionCanonicalForm() {}

  /**
   * Encodes {@code decision} as signed under {@code keyId} (the key id is part of the signed bytes,
   * so a signature cannot be re-labelled to another key).
   *
   * @throws IllegalArgumentException if a required field is missing
   */
  public static byte[] encode(AccessDecision decision, String keyId) {
    if (decision == null) {
      throw new IllegalArgumentException("decision is null");
    }
    Writer w = new Writer();
    w.string("domain", DOMAIN);
    w.string("signatureKeyId", keyId);
    w.string("eventId", decision.getEventId());
    w.string("doorId", decision.getDoorId());
    w.string("cameraId", decision.getCameraId());
    w.string("outcome", decision.getOutcome() == null ? null : decision.getOutcome().name());
    w.string("reason", decision.getReason() == null ? null : decision.getReason().name());
    w.optionalString(decision.getMatchedIdentity());
    w.optionalString(decision.getClaimedIdentity());
    w.optionalFloat(decision.getDistance());
    w.u32(Float.floatToIntBits(decision.getThreshold()));
    w.optionalString(decision.getModelVersion());
    w.u64(required("captureTime", decision.getCaptureTime()));
    w.u64(required("decidedAt", decision.getDecidedAt()));
    FaceRegion box = decision.getFaceBox();
    if (box == null) {
      w.u8(0);
    } else {
      w.u8(1);
      w.u32(Float.floatToIntBits(box.getX()));
      w.u32(Float.floatToIntBits(box.getY()));
      w.u32(Float.floatToIntBits(box.getWidth()));
      w.u32(Float.floatToIntBits(box.getHeight()));
    }
    w.optionalFloat(decision.getDetectionScore());
    return w.bytes();
  }

  // Millisecond precision is what Avro's timestamp-millis carries on the wire; signing finer
  // precision would make a decision fail verification after one round trip through Kafka.
  private static long required(String field, Instant value) {
    if (value == null) {
      throw new IllegalArgumentException("decision field " + field + " is missing");
    }
    return value.toEpochMilli();
  }

  private static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    void string(String field, CharSequence value) {
      if (value == null) {
        throw new IllegalArgumentException("decision field " + field + " is missing");
      }
      byte[] utf8 = value.toString().getBytes(StandardCharsets.UTF_8);
      u32(utf8.length);
      out.writeBytes(utf8);
    }

    void optionalString(CharSequence value) {
      if (value == null) {
        u8(0);
      } else {
        u8(1);
        string("optional", value);
      }
    }

    void optionalFloat(Float value) {
      if (value == null) {
        u8(0);
      } else {
        u8(1);
        u32(Float.floatToIntBits(value));
      }
    }

    void u8(int v) {
      out.write(v);
    }

    void u32(int v) {
      out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(v).array());
    }

    void u64(long v) {
      out.writeBytes(ByteBuffer.allocate(Long.BYTES).putLong(v).array());
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
