package io.facegate.schemas.testing;

import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DeadLetter;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.EnrolledTemplate;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.EnrollmentAction;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.ImageEncoding;
import io.facegate.schemas.Outcome;
import io.facegate.schemas.SourceCoordinates;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One fully populated instance of every top-level record type, for round-trip tests. */
public final class SampleRecords {
  private static final Instant T0 = Instant.parse("2026-11-29T01:02:03.456Z");

  private SampleRecords() {}

  public static FaceImage image(int seed) {
    byte[] pixels = new byte[64 * 64];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 31 + seed);
    }
    return FaceImage.newBuilder()
        .setData(ByteBuffer.wrap(pixels))
        .setEncoding(ImageEncoding.RAW_GRAY8)
        .setWidth(64)
        .setHeight(64)
        .build();
  }

  public static FaceEvent faceEvent() {
    return FaceEvent.newBuilder()
        .setEventId("evt-1")
        .setCameraId("cam-7")
        .setDoorId("door-3")
        .setCaptureTime(T0)
        .setImage(image(1))
        .setClaimedIdentity("alice")
        .setTraceId("trace-42")
        .setAttributes(Map.of("firmware", "1.2.3", "ünïcødé", "✓"))
        .build();
  }

  public static Enrollment enrollment() {
    return Enrollment.newBuilder()
        .setIdentityId("alice")
        .setDisplayName("Alice A.")
        .setAction(EnrollmentAction.ENROLL)
        .setImages(List.of(image(2), image(3)))
        .setRequestedAt(T0)
        .build();
  }

  public static Enrollment forget() {
    return Enrollment.newBuilder()
        .setIdentityId("bob")
        .setAction(EnrollmentAction.FORGET)
        .setRequestedAt(T0)
        .build();
  }

  public static EnrolledTemplate template() {
    return EnrolledTemplate.newBuilder()
        .setIdentityId("alice")
        .setDisplayName("Alice A.")
        .setEmbedding(List.of(0.6f, -0.8f, 0.0f, Float.MIN_VALUE))
        .setEmbeddingDim(4)
        .setModelVersion("m-2026.11")
        .setImageCount(2)
        .setUpdatedAt(T0)
        .build();
  }

  public static AccessDecision decision() {
    return AccessDecision.newBuilder()
        .setEventId("evt-1")
        .setCameraId("cam-7")
        .setDoorId("door-3")
        .setOutcome(Outcome.GRANTED)
        .setReason(DecisionReason.MATCH)
        .setMatchedIdentity("alice")
        .setClaimedIdentity("alice")
        .setDistance(0.41f)
        .setRunnerUpDistance(1.2f)
        .setThreshold(0.8f)
        .setModelVersion("m-2026.11")
        .setCaptureTime(T0)
        .setDecidedAt(T0.plusMillis(35))
        .setProcessingLatencyMs(35L)
        .setSource(new SourceCoordinates("camera-frames", 2, 12345L))
        .setDetail(null)
        .setSignatureKeyId("k1")
        .setSignature(ByteBuffer.wrap(new byte[] {1, 2, 3}))
        .build();
  }

  public static DeadLetter deadLetter() {
    return DeadLetter.newBuilder()
        .setSource(new SourceCoordinates("camera-frames", 0, 7L))
        .setEventId(null)
        .setReason("BAD_MAGIC_BYTE")
        .setError("first byte is 0x01")
        .setPayloadSha256("ab".repeat(32))
        .setPayloadSize(17)
        .setFailedAt(T0)
        .build();
  }

  /** Every top-level type, populated. */
  public static List<SpecificRecord> all() {
    return List.of(faceEvent(), enrollment(), forget(), template(), decision(), deadLetter());
  }
}
