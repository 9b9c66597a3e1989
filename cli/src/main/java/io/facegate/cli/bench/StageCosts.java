package io.facegate.cli.bench;

import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.PreprocessSpec;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.model.preprocess.RawImage;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.Outcome;
import io.facegate.schemas.SourceCoordinates;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * CPU time per event of each of the processor's own stages, measured one stage at a time on the
 * calling thread ({@link CpuClock#threadNanos()}) over the benchmark's events, with the same
 * classes and serdes the processor uses: Avro decode of a camera event, SHA-256 of the record value
 * (what a dead letter names), image decode, pre-processing to the model's tensor, and Avro encode
 * of the decision. Inference comes from {@link BareInference} (process CPU, so ONNX Runtime's own
 * threads count), the transport from {@link TransportFloor}.
 */
public final class StageCosts {
  static final String AVRO_DECODE = "avro_decode";
  static final String PAYLOAD_HASH = "payload_hash";
  static final String IMAGE_DECODE = "image_decode";
  static final String PREPROCESS = "preprocess";
  static final String DECISION_SERDE = "decision_serde";

  /** The stages {@link #measure} reports, in order. */
  public static final List<String> NAMES =
      List.of(AVRO_DECODE, PAYLOAD_HASH, IMAGE_DECODE, PREPROCESS, DECISION_SERDE);

  /** Where each stage's result goes, so that the JIT cannot drop the work. */
  @SuppressWarnings("unused")
  private static volatile Object sink;

  private StageCosts() {}

  /**
   * Runs each stage {@code events} times (after one untimed pass over the images) and returns CPU
   * milliseconds per event, by stage.
   *
   * @param eventSerializer with {@code eventDeserializer}: the camera-frames serde of {@code topic}
   * @param decisions the access-decisions serializer of {@code decisionTopic}
   */
  public static Map<String, Double> measure(
      List<FaceImage> images,
      PreprocessSpec spec,
      ImageLimits limits,
      Serializer<FaceEvent> eventSerializer,
      Deserializer<FaceEvent> eventDeserializer,
      String topic,
      Serializer<AccessDecision> decisions,
      String decisionTopic,
      int events) {
    int n = images.size();
    List<byte[]> values = new ArrayList<>(n);
    List<FaceEvent> parsed = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      FaceEvent e = event(images.get(i), i);
      values.add(eventSerializer.serialize(topic, e));
      parsed.add(e);
    }
    ImageDecoder decoder = new ImageDecoder(limits);
    Preprocessor pre = new Preprocessor(spec);
    List<RawImage> raws = new ArrayList<>(n);
    for (FaceImage img : images) {
      raws.add(BareInference.decode(decoder, img));
    }
    float[] tensor = new float[pre.tensorSize()];
    List<AccessDecision> out = new ArrayList<>(n);
    for (FaceEvent e : parsed) {
      out.add(decision(e));
    }
    MessageDigest sha = sha256();

    Map<String, Double> ms = new LinkedHashMap<>();
    ms.put(
        AVRO_DECODE, perEvent(n, events, i -> eventDeserializer.deserialize(topic, values.get(i))));
    ms.put(PAYLOAD_HASH, perEvent(n, events, i -> sha.digest(values.get(i))));
    ms.put(IMAGE_DECODE, perEvent(n, events, i -> BareInference.decode(decoder, images.get(i))));
    ms.put(
        PREPROCESS,
        perEvent(
            n,
            events,
            i -> {
              pre.toTensor(raws.get(i), tensor, 0);
              return tensor;
            }));
    ms.put(
        DECISION_SERDE, perEvent(n, events, i -> decisions.serialize(decisionTopic, out.get(i))));
    return ms;
  }

  private interface Stage {
    Object run(int i);
  }

  /** CPU ms per call of {@code stage}, over {@code events} calls cycling the n inputs. */
  private static double perEvent(int n, int events, Stage stage) {
    for (int i = 0; i < n; i++) {
      sink = stage.run(i);
    }
    long t0 = CpuClock.threadNanos();
    for (int i = 0; i < events; i++) {
      sink = stage.run(i % n);
    }
    return (CpuClock.threadNanos() - t0) / 1e6 / events;
  }

  private static FaceEvent event(FaceImage image, int i) {
    return FaceEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setCameraId("cam-" + i)
        .setDoorId("door-" + i)
        .setCaptureTime(Instant.now())
        .setImage(image)
        .setClaimedIdentity(null)
        .setAttributes(Map.of())
        .build();
  }

  /** A denial with every field the processor fills for a decided event. */
  private static AccessDecision decision(FaceEvent e) {
    return AccessDecision.newBuilder()
        .setEventId(e.getEventId())
        .setCameraId(e.getCameraId())
        .setDoorId(e.getDoorId())
        .setOutcome(Outcome.DENIED)
        .setReason(DecisionReason.NO_MATCH)
        .setMatchedIdentity("s1")
        .setClaimedIdentity(null)
        .setDistance(0.81f)
        .setRunnerUpDistance(0.93f)
        .setThreshold(0.47f)
        .setModelVersion("bench")
        .setCaptureTime(e.getCaptureTime())
        .setDecidedAt(Instant.now())
        .setProcessingLatencyMs(12)
        .setSource(new SourceCoordinates("camera-frames", 0, 42L))
        .setDetail(null)
        .build();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
