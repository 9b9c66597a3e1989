package io.facegate.processor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.face.FaceFinder;
import io.facegate.model.face.FaceStage;
import io.facegate.model.liveness.LivenessCheck;
import io.facegate.model.liveness.LivenessVerdict;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.OnnxEmbedder;
import io.facegate.model.onnx.TinyOnnxModel;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.RawImage;
import io.facegate.processor.core.embedding.Gallery;
import io.facegate.processor.core.policy.PolicyConfig;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DeadLetter;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The liveness stage through the whole topology (real tiny ONNX embedder, stand-in liveness model):
 * every event still gets exactly one decision, a spoof never reaches access-granted, and a failing
 * liveness model denies and dead-letters its batch without stopping the next one.
 */
class FacegateTopologyLivenessTest {
  private static final String V1 = "tiny-v1";
  private static final TinyOnnxModel MODEL = TinyOnnxModel.pooling(V1, 16, 16, 1, 4, 0.5f);
  private static final Duration WAIT = Duration.ofMillis(50);

  @TempDir static Path dir;
  private static OnnxEmbedder onnx;

  private final ProcessorTopics topics = TestSerdes.topics();

  /** Throws on this many more calls. */
  private final AtomicInteger failNext = new AtomicInteger();

  private TopologyTestDriver driver;
  private TestInputTopic<String, FaceEvent> frames;
  private TestOutputTopic<String, AccessDecision> decisions;
  private TestOutputTopic<String, AccessDecision> granted;
  private TestOutputTopic<String, DeadLetter> dead;

  /** Alice's face (left) is live, Bob's (top) a photo, anything else scores NaN. */
  private final LivenessCheck liveness =
      new LivenessCheck() {
        @Override
        public List<LivenessVerdict> check(List<RawImage> faces) {
          if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("liveness session lost");
          }
          return faces.stream()
              .map(
                  f ->
                      LivenessVerdict.scored(
                          Arrays.equals(f.pixels(), Faces.left())
                              ? 0.9f
                              : Arrays.equals(f.pixels(), Faces.top()) ? 0.2f : Float.NaN,
                          0.5f))
              .toList();
        }

        @Override
        public String describe() {
          return "stand-in >= 0.5";
        }

        @Override
        public void close() {}
      };

  @BeforeAll
  static void loadModel() {
    onnx = OnnxEmbedder.open(MODEL.write(dir.resolve("model.onnx")), DeviceSpec.cpu(), 1);
  }

  @AfterAll
  static void closeModel() {
    onnx.close();
  }

  @BeforeEach
  void start() {
    TopologyConfig config =
        new TopologyConfig(
            4,
            WAIT,
            TopologyConfig.DEFAULT_MAX_BATCH_BYTES,
            new ImageLimits(16 * 1024, 64 * 64, 8),
            new PolicyConfig(0.5f, 0f));
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "facegate-liveness-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    driver =
        new TopologyTestDriver(
            FacegateTopology.build(
                config,
                topics,
                onnx,
                new Gallery(V1, MODEL.embeddingDim()),
                ProcessingObserver.NONE,
                DecisionSeal.UNSIGNED,
                FaceFinder.cropsOnly(FaceStage.WHOLE_IMAGE),
                liveness),
            p);
    frames =
        driver.createInputTopic(
            topics.cameraFrames().name(),
            new StringSerializer(),
            topics.cameraFrames().valueSerde().serializer());
    TestInputTopic<String, Enrollment> enrollments =
        driver.createInputTopic(
            topics.enrollments().name(),
            new StringSerializer(),
            topics.enrollments().valueSerde().serializer());
    decisions =
        driver.createOutputTopic(
            topics.accessDecisions().name(),
            topics.accessDecisions().keySerde().deserializer(),
            topics.accessDecisions().valueSerde().deserializer());
    granted =
        driver.createOutputTopic(
            topics.accessGranted().name(),
            topics.accessGranted().keySerde().deserializer(),
            topics.accessGranted().valueSerde().deserializer());
    dead =
        driver.createOutputTopic(
            topics.deadLetters().name(),
            topics.deadLetters().keySerde().deserializer(),
            topics.deadLetters().valueSerde().deserializer());
    enrollments.pipeInput("alice", Faces.enroll("alice", Faces.left()));
    enrollments.pipeInput("bob", Faces.enroll("bob", Faces.top()));
  }

  @AfterEach
  void close() {
    driver.close();
  }

  private List<AccessDecision> decide(FaceEvent... events) {
    for (FaceEvent e : events) {
      frames.pipeInput(e.getDoorId(), e);
    }
    driver.advanceWallClockTime(WAIT);
    List<AccessDecision> out = decisions.readValuesToList();
    assertEquals(events.length, out.size(), "exactly one decision per event");
    return out;
  }

  @Test
  void aLiveFaceIsGrantedWithItsScoreAndAPhotoOfAnEnrolledPersonIsDenied() {
    List<AccessDecision> out =
        decide(
            Faces.event("alice", Faces.raw(Faces.left()), null),
            Faces.event("bob-photo", Faces.raw(Faces.top()), "bob"));

    assertEquals(Outcome.GRANTED, out.get(0).getOutcome());
    assertEquals(0.9f, out.get(0).getLivenessScore());
    assertEquals(Outcome.DENIED, out.get(1).getOutcome());
    assertEquals(DecisionReason.SPOOF_SUSPECTED, out.get(1).getReason());
    assertEquals(0.2f, out.get(1).getLivenessScore());
    assertEquals("bob", out.get(1).getClaimedIdentity());
    List<AccessDecision> grants = granted.readValuesToList();
    assertEquals(List.of("alice"), grants.stream().map(AccessDecision::getEventId).toList());
    assertTrue(dead.isEmpty(), "a spoof is a decision, not a dead letter");
  }

  @Test
  void aNanScoreIsDeniedAndDeadLettered() {
    AccessDecision d = decide(Faces.event("odd", Faces.raw(Faces.diagonal()), null)).get(0);
    assertEquals(Outcome.DENIED, d.getOutcome());
    assertEquals(DecisionReason.MODEL_ERROR, d.getReason());
    assertNull(d.getLivenessScore());
    assertEquals("MODEL_ERROR", dead.readValue().getReason());
    assertTrue(granted.isEmpty());
  }

  @Test
  void aFailingLivenessModelDeniesItsBatchAndTheNextEventIsDecided() {
    failNext.set(1);
    List<AccessDecision> out =
        decide(
            Faces.event("e1", Faces.raw(Faces.left()), null),
            Faces.event("e2", Faces.raw(Faces.left()), null));
    for (AccessDecision d : out) {
      assertEquals(Outcome.DENIED, d.getOutcome());
      assertEquals(DecisionReason.MODEL_ERROR, d.getReason());
    }
    assertEquals(2, dead.readValuesToList().size());
    assertTrue(granted.isEmpty());

    AccessDecision next = decide(Faces.event("e3", Faces.raw(Faces.left()), null)).get(0);
    assertEquals(Outcome.GRANTED, next.getOutcome());
    assertEquals(0.9f, next.getLivenessScore());
  }
}
