package io.facegate.processor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.face.FaceFinder;
import io.facegate.model.face.FaceStage;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.Embedder;
import io.facegate.model.onnx.InferenceException;
import io.facegate.model.onnx.OnnxEmbedder;
import io.facegate.model.onnx.TinyOnnxModel;
import io.facegate.model.preprocess.CraftedImages;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.platform.security.DecisionSigner;
import io.facegate.platform.security.DecisionVerifier;
import io.facegate.platform.security.KeyGen;
import io.facegate.processor.core.embedding.Gallery;
import io.facegate.processor.core.policy.PolicyConfig;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DeadLetter;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.EnrolledTemplate;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceRegion;
import io.facegate.schemas.ImageEncoding;
import io.facegate.schemas.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class FacegateTopologyTest {
  private static final String V1 = "tiny-v1";
  private static final TinyOnnxModel MODEL = TinyOnnxModel.pooling(V1, 16, 16, 1, 4, 0.5f);
  private static final ImageLimits LIMITS = new ImageLimits(16 * 1024, 64 * 64, 8);
  private static final Duration WAIT = Duration.ofMillis(50);

  @TempDir static Path dir;
  private static OnnxEmbedder onnx;

  private final ProcessorTopics topics = TestSerdes.topics();
  private final AtomicInteger inferenceCalls = new AtomicInteger();
  private final AtomicInteger failNextInferences = new AtomicInteger();
  private final AtomicInteger nanNextInferences = new AtomicInteger();

  /** Inference hangs, deaf to interrupts, on a batch holding the diagonal face, until released. */
  private volatile boolean hangOnDiagonal;

  private final CountDownLatch release = new CountDownLatch(1);
  private final List<Integer> batchSizes = new ArrayList<>();

  /** Finds faces in events and enrollments; crops only unless a test sets a frame finder. */
  private FaceFinder finder = FaceFinder.cropsOnly(FaceStage.WHOLE_IMAGE);

  private TopologyTestDriver driver;
  private TestInputTopic<String, FaceEvent> frames;
  private TestInputTopic<String, byte[]> rawFrames;
  private TestInputTopic<String, Enrollment> enrollments;
  private TestInputTopic<String, EnrolledTemplate> store;
  private TestOutputTopic<String, AccessDecision> decisions;
  private TestOutputTopic<String, AccessDecision> granted;
  private TestOutputTopic<String, DeadLetter> dead;

  @BeforeAll
  static void loadModel() {
    onnx = OnnxEmbedder.open(MODEL.write(dir.resolve("model.onnx")), DeviceSpec.cpu(), 1);
  }

  @AfterAll
  static void closeModel() {
    onnx.close();
  }

  /** The real ONNX embedder, counting calls and failing on demand. */
  private Embedder embedder() {
    return new Embedder() {
      @Override
      public ModelMetadata metadata() {
        return onnx.metadata();
      }

      @Override
      public float[][] embed(float[] chw, int batch) {
        inferenceCalls.incrementAndGet();
        batchSizes.add(batch);
        if (hangOnDiagonal && holdsDiagonal(chw, batch)) {
          hang();
        }
        if (failNextInferences.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          throw new InferenceException("injected failure");
        }
        float[][] out = onnx.embed(chw, batch);
        if (nanNextInferences.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          out[0][0] = Float.NaN;
        }
        return out;
      }
    };
  }

  /** The diagonal face is the only test face whose top-left pixel is dark. */
  private static boolean holdsDiagonal(float[] chw, int batch) {
    int per = chw.length / batch;
    for (int b = 0; b < batch; b++) {
      if (chw[b * per] < 0f) {
        return true;
      }
    }
    return false;
  }

  private void hang() {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < end) {
      try {
        if (release.await(10, TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        // deaf to interrupts, like ImageIO or a native call
      }
    }
  }

  private void start(int maxBatch) {
    start(maxBatch, DecisionSeal.UNSIGNED);
  }

  private void start(int maxBatch, DecisionSeal seal) {
    start(maxBatch, TopologyConfig.DEFAULT_MAX_BATCH_BYTES, seal);
  }

  private void start(int maxBatch, int maxBatchBytes, DecisionSeal seal) {
    start(maxBatch, maxBatchBytes, seal, ProcessingBudget.defaults());
  }

  private void start(int maxBatch, int maxBatchBytes, DecisionSeal seal, ProcessingBudget budget) {
    TopologyConfig config =
        new TopologyConfig(
            maxBatch, WAIT, maxBatchBytes, LIMITS, new PolicyConfig(0.5f, 0f), budget);
    Gallery gallery = new Gallery(V1, MODEL.embeddingDim());
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "facegate-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    driver =
        new TopologyTestDriver(
            FacegateTopology.build(
                config, topics, embedder(), gallery, ProcessingObserver.NONE, seal, finder),
            p);
    frames =
        driver.createInputTopic(
            topics.cameraFrames().name(),
            new StringSerializer(),
            topics.cameraFrames().valueSerde().serializer());
    rawFrames =
        driver.createInputTopic(
            topics.cameraFrames().name(), new StringSerializer(), new ByteArraySerializer());
    enrollments =
        driver.createInputTopic(
            topics.enrollments().name(),
            new StringSerializer(),
            topics.enrollments().valueSerde().serializer());
    store =
        driver.createInputTopic(
            topics.embeddingStore().name(),
            new StringSerializer(),
            topics.embeddingStore().valueSerde().serializer());
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
  }

  @AfterEach
  void close() {
    release.countDown();
    if (driver != null) {
      driver.close();
    }
  }

  private void enrolAliceAndBob() {
    enrollments.pipeInput("alice", Faces.enroll("alice", Faces.left(), Faces.left()));
    enrollments.pipeInput("bob", Faces.enroll("bob", Faces.top()));
  }

  private AccessDecision decide(FaceEvent e) {
    frames.pipeInput(e.getDoorId(), e);
    driver.advanceWallClockTime(WAIT);
    List<AccessDecision> out = decisions.readValuesToList();
    assertEquals(1, out.size(), "exactly one decision per event");
    return out.get(0);
  }

  @Test
  void enrollmentWritesNormalisedTemplateOfCurrentModelToEmbeddingStore() {
    start(1);
    TestOutputTopic<String, EnrolledTemplate> templates =
        driver.createOutputTopic(
            topics.embeddingStore().name(),
            topics.embeddingStore().keySerde().deserializer(),
            topics.embeddingStore().valueSerde().deserializer());
    enrollments.pipeInput("alice", Faces.enroll("alice", Faces.left(), Faces.top()));
    EnrolledTemplate t = templates.readValue();
    assertEquals("alice", t.getIdentityId());
    assertEquals(V1, t.getModelVersion());
    assertEquals(2, t.getImageCount());
    assertEquals(MODEL.embeddingDim(), t.getEmbedding().size());
    double sq = 0;
    for (float f : t.getEmbedding()) {
      sq += f * f;
    }
    assertEquals(1.0, sq, 1e-5);
  }

  @Test
  void grantsEnrolledPersonOneToNAndPublishesTheGrant() {
    start(1);
    enrolAliceAndBob();
    AccessDecision d = decide(Faces.event("e1", Faces.raw(Faces.left()), null));
    assertEquals(Outcome.GRANTED, d.getOutcome());
    assertEquals(DecisionReason.MATCH, d.getReason());
    assertEquals("alice", d.getMatchedIdentity());
    assertTrue(d.getDistance() <= d.getThreshold());
    assertNotNull(d.getRunnerUpDistance());
    assertEquals(V1, d.getModelVersion());
    List<org.apache.kafka.streams.KeyValue<String, AccessDecision>> grants =
        granted.readKeyValuesToList();
    assertEquals(1, grants.size());
    assertEquals("door-1", grants.get(0).key, "keyed by door id");
    assertEquals("e1", grants.get(0).value.getEventId());
    assertTrue(dead.isEmpty());
  }

  @Test
  void deniesStrangerWithNoMatchAndPublishesNoGrant() {
    start(1);
    enrolAliceAndBob();
    AccessDecision d = decide(Faces.event("e1", Faces.raw(Faces.diagonal()), null));
    assertEquals(Outcome.DENIED, d.getOutcome());
    assertEquals(DecisionReason.NO_MATCH, d.getReason());
    assertTrue(d.getDistance() > d.getThreshold());
    assertTrue(granted.isEmpty());
  }

  @Test
  void oneToOneDeniesClaimedIdentityMismatch() {
    start(1);
    enrolAliceAndBob();
    AccessDecision d = decide(Faces.event("e1", Faces.raw(Faces.top()), "alice"));
    assertEquals(Outcome.DENIED, d.getOutcome());
    assertEquals(DecisionReason.IDENTITY_MISMATCH, d.getReason());
    assertEquals("alice", d.getClaimedIdentity());
    assertTrue(granted.isEmpty());
  }

  @Test
  void oneToOneGrantsClaimedIdentityThatMatches() {
    start(1);
    enrolAliceAndBob();
    AccessDecision d = decide(Faces.event("e1", Faces.raw(Faces.top()), "bob"));
    assertEquals(Outcome.GRANTED, d.getOutcome());
    assertEquals("bob", d.getMatchedIdentity());
  }

  @Test
  void oneToOneDeniesUnknownIdentity() {
    start(1);
    enrolAliceAndBob();
    AccessDecision d = decide(Faces.event("e1", Faces.raw(Faces.left()), "mallory"));
    assertEquals(DecisionReason.UNKNOWN_IDENTITY, d.getReason());
    assertEquals(Outcome.DENIED, d.getOutcome());
  }

  @Test
  void deniesWithNoTemplateWhenNobodyIsEnrolled() {
    start(1);
    assertEquals(
        DecisionReason.NO_TEMPLATE,
        decide(Faces.event("e1", Faces.raw(Faces.left()), null)).getReason());
  }

  @Test
  void templatesOfAnotherModelVersionAreNeverCompared() {
    start(1);
    float[] aliceV0 = new float[MODEL.embeddingDim()];
    aliceV0[0] = 1f;
    store.pipeInput("carol", Faces.template("carol", aliceV0, aliceV0.length, "tiny-v0"));
    AccessDecision oneToOne = decide(Faces.event("e1", Faces.raw(Faces.left()), "carol"));
    assertEquals(DecisionReason.MODEL_VERSION_MISMATCH, oneToOne.getReason());
    assertEquals(Outcome.DENIED, oneToOne.getOutcome());
    AccessDecision oneToN = decide(Faces.event("e2", Faces.raw(Faces.left()), null));
    assertEquals(DecisionReason.MODEL_VERSION_MISMATCH, oneToN.getReason());
  }

  @Test
  void nanOrWrongDimensionTemplateIsDeniedAsInvalid() {
    start(1);
    float[] nan = new float[MODEL.embeddingDim()];
    nan[0] = Float.NaN;
    store.pipeInput("nan", Faces.template("nan", nan, nan.length, V1));
    store.pipeInput("short", Faces.template("short", new float[] {1f, 0f}, 2, V1));
    assertEquals(
        DecisionReason.INVALID_TEMPLATE,
        decide(Faces.event("e1", Faces.raw(Faces.left()), "nan")).getReason());
    assertEquals(
        DecisionReason.INVALID_TEMPLATE,
        decide(Faces.event("e2", Faces.raw(Faces.left()), "short")).getReason());
    List<DeadLetter> letters = dead.readValuesToList();
    assertEquals(List.of("e1", "e2"), letters.stream().map(DeadLetter::getEventId).toList());
    assertTrue(letters.stream().allMatch(l -> l.getReason().equals("INVALID_TEMPLATE")));
    // the next event is still decided
    assertEquals(
        DecisionReason.UNKNOWN_IDENTITY,
        decide(Faces.event("e3", Faces.raw(Faces.left()), "nobody")).getReason());
  }

  @Test
  void forgottenPersonIsDeniedAfterTheTombstone() {
    start(1);
    enrolAliceAndBob();
    assertEquals(
        Outcome.GRANTED, decide(Faces.event("e1", Faces.raw(Faces.left()), "alice")).getOutcome());
    enrollments.pipeInput("alice", Faces.forget("alice"));
    AccessDecision after = decide(Faces.event("e2", Faces.raw(Faces.left()), "alice"));
    assertEquals(Outcome.DENIED, after.getOutcome());
    assertEquals(DecisionReason.UNKNOWN_IDENTITY, after.getReason());
    AccessDecision oneToN = decide(Faces.event("e3", Faces.raw(Faces.left()), null));
    assertEquals(Outcome.DENIED, oneToN.getOutcome());
    assertEquals("bob", oneToN.getMatchedIdentity());
  }

  static Stream<Arguments> badImages() throws java.io.IOException {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 1, 2, 3, 4, 5};
    byte[] hugeHeader = "P5\n60000 60000\n255\n".getBytes(StandardCharsets.US_ASCII);
    return Stream.of(
        Arguments.of(
            "corrupt PNG",
            Faces.image(png, ImageEncoding.PNG, null, null),
            DecisionReason.BAD_IMAGE),
        Arguments.of(
            "truncated JPEG",
            Faces.image(
                new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2}, ImageEncoding.JPEG, null, null),
            DecisionReason.BAD_IMAGE),
        Arguments.of(
            "over the byte limit",
            Faces.image(
                new byte[LIMITS.maxBytes() + 1], ImageEncoding.RAW_GRAY8, LIMITS.maxBytes() + 1, 1),
            DecisionReason.IMAGE_TOO_LARGE),
        // about 9.6 KB and 32 x 32: under LIMITS, over the 100-scan decode budget
        Arguments.of(
            "progressive JPEG repeating its last scan 300 times",
            Faces.image(
                CraftedImages.repeatLastScan(
                    CraftedImages.progressiveJpeg(CraftedImages.smooth(32, 32)), 300),
                ImageEncoding.JPEG,
                null,
                null),
            DecisionReason.IMAGE_TOO_LARGE),
        Arguments.of(
            "header claims too many pixels",
            Faces.image(hugeHeader, ImageEncoding.PGM, null, null),
            DecisionReason.IMAGE_TOO_LARGE),
        Arguments.of(
            "raw data of the wrong size",
            Faces.image(new byte[100], ImageEncoding.RAW_GRAY8, 32, 32),
            DecisionReason.BAD_IMAGE),
        Arguments.of(
            "too small",
            Faces.image(new byte[16], ImageEncoding.RAW_GRAY8, 4, 4),
            DecisionReason.BAD_IMAGE),
        Arguments.of(
            "unknown encoding",
            Faces.image(Faces.left(), ImageEncoding.UNKNOWN, 32, 32),
            DecisionReason.BAD_IMAGE));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(FaceFinder.MultipleFaces.class)
  void framesWithoutAUsableFaceAreDeniedWithTheirReasonEachAndTheNextFrameIsDecided(
      FaceFinder.MultipleFaces policy) throws Exception {
    finder = Faces.frameFinder(policy);
    Path keys = java.nio.file.Files.createDirectories(dir.resolve("frame-keys-" + policy));
    KeyGen.KeyFiles files = KeyGen.generate("frames", keys);
    start(8, DecisionSigner.fromPemFile("frames", files.privateKey())::signed);
    DecisionVerifier verifier = DecisionVerifier.fromDirectory(keys);
    enrolAliceAndBob();
    DecisionReason two =
        policy == FaceFinder.MultipleFaces.DENY
            ? DecisionReason.MULTIPLE_FACES
            : DecisionReason.MATCH;
    List<Object[]> cases =
        List.of(
            new Object[] {"no-face", Faces.frame(51), DecisionReason.NO_FACE},
            new Object[] {"two", Faces.frame(54), two},
            new Object[] {"tiny", Faces.frame(52), DecisionReason.FACE_TOO_SMALL},
            new Object[] {"unsure", Faces.frame(53), DecisionReason.LOW_DETECTION_SCORE},
            new Object[] {"huge", Faces.hugeFrame(), DecisionReason.IMAGE_TOO_LARGE},
            new Object[] {"corrupt", Faces.corruptFrame(), DecisionReason.BAD_IMAGE},
            new Object[] {"alice", Faces.frame(50), DecisionReason.MATCH});
    for (Object[] c : cases) {
      // one event at a time: each gets its decision before the next is read
      AccessDecision d =
          decide(Faces.event((String) c[0], (io.facegate.schemas.FaceImage) c[1], null));
      assertEquals(c[0], d.getEventId());
      assertEquals(c[2], d.getReason(), c[0] + ": " + d.getDetail());
      assertEquals(
          c[2] == DecisionReason.MATCH ? Outcome.GRANTED : Outcome.DENIED,
          d.getOutcome(),
          (String) c[0]);
      assertTrue(verifier.verify(d), c[0] + " is signed like any decision, face box included");
    }
    // rejected images are dead letters too; a frame without a usable face is a plain decision
    assertEquals(
        List.of("huge", "corrupt"),
        dead.readValuesToList().stream().map(DeadLetter::getEventId).toList());
    List<AccessDecision> grants = granted.readValuesToList();
    AccessDecision alice = grants.get(grants.size() - 1);
    assertEquals("alice", alice.getMatchedIdentity());
    assertEquals(new FaceRegion(16f, 4f, 32f, 32f), alice.getFaceBox());
    assertEquals(0.9f, alice.getDetectionScore(), 1e-6);
    assertEquals(policy == FaceFinder.MultipleFaces.DENY ? 1 : 2, grants.size());
  }

  @Test
  void aFrameWithoutADetectorIsDeniedAndACropStillDecided() {
    start(8);
    enrolAliceAndBob();
    AccessDecision frame = decide(Faces.event("frame", Faces.frame(50), null));
    assertEquals(Outcome.DENIED, frame.getOutcome());
    assertNull(frame.getFaceBox());
    AccessDecision crop = decide(Faces.event("crop", Faces.raw(Faces.left()), null));
    assertEquals(Outcome.GRANTED, crop.getOutcome());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badImages")
  void badImageIsDeniedDeadLetteredAndTheNextEventStillDecided(
      String kind, io.facegate.schemas.FaceImage image, DecisionReason reason) throws Exception {
    start(8);
    enrolAliceAndBob();
    FaceEvent bad = Faces.event("bad", image, null);
    frames.pipeInput("door-1", bad);
    frames.pipeInput("door-1", Faces.event("good", Faces.raw(Faces.left()), null));
    driver.advanceWallClockTime(WAIT);
    List<AccessDecision> out = decisions.readValuesToList();
    assertEquals(2, out.size());
    assertEquals("bad", out.get(0).getEventId());
    assertEquals(Outcome.DENIED, out.get(0).getOutcome());
    assertEquals(reason, out.get(0).getReason(), out.get(0).getDetail());
    assertEquals("good", out.get(1).getEventId());
    assertEquals(Outcome.GRANTED, out.get(1).getOutcome());
    List<DeadLetter> letters = dead.readValuesToList();
    assertEquals(1, letters.size());
    DeadLetter letter = letters.get(0);
    assertEquals("bad", letter.getEventId());
    assertEquals(reason.name(), letter.getReason());
    byte[] value = topics.cameraFrames().valueSerde().serializer().serialize("camera-frames", bad);
    assertEquals(
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value)),
        letter.getPayloadSha256());
    assertEquals(value.length, letter.getPayloadSize());
  }

  @Test
  void unreadableRecordIsDeniedUnderItsSourceCoordinatesAndDeadLettered() {
    start(8);
    enrolAliceAndBob();
    // bytes that are no FaceEvent of any known schema
    rawFrames.pipeInput("door-9", new byte[] {0, 0, 0, 0, 42, 1, 2, 3});
    frames.pipeInput("door-1", Faces.event("good", Faces.raw(Faces.left()), null));
    driver.advanceWallClockTime(WAIT);
    List<AccessDecision> out = decisions.readValuesToList();
    assertEquals(2, out.size());
    assertEquals("dlq:camera-frames-0-0", out.get(0).getEventId());
    assertEquals("door-9", out.get(0).getDoorId());
    assertEquals(DecisionReason.UNKNOWN_SCHEMA, out.get(0).getReason());
    assertEquals(Outcome.DENIED, out.get(0).getOutcome());
    assertEquals(Outcome.GRANTED, out.get(1).getOutcome());
    DeadLetter letter = dead.readValue();
    assertEquals("dlq:camera-frames-0-0", letter.getEventId());
    assertEquals("camera-frames", letter.getSource().getTopic());
    assertEquals(0L, letter.getSource().getOffset());
    assertEquals(8, letter.getPayloadSize());
    assertTrue(dead.isEmpty());
  }

  @Test
  void oversizedRecordIsDeniedWithoutBeingParsed() {
    start(1);
    rawFrames.pipeInput("door-1", new byte[LIMITS.maxBytes() + 70 * 1024]);
    driver.advanceWallClockTime(WAIT);
    AccessDecision d = decisions.readValue();
    assertEquals(Outcome.DENIED, d.getOutcome());
    assertEquals(DecisionReason.IMAGE_TOO_LARGE, d.getReason());
    DeadLetter letter = dead.readValue();
    assertEquals(LIMITS.maxBytes() + 70 * 1024, letter.getPayloadSize());
    assertEquals(DecisionReason.IMAGE_TOO_LARGE.name(), letter.getReason());
  }

  @Test
  void recordWithoutValueIsDeniedAndDeadLettered() {
    start(1);
    rawFrames.pipeInput("door-1", (byte[]) null);
    driver.advanceWallClockTime(WAIT);
    AccessDecision d = decisions.readValue();
    assertEquals(Outcome.DENIED, d.getOutcome());
    assertEquals(DecisionReason.UNKNOWN_SCHEMA, d.getReason());
    assertEquals(1, dead.readValuesToList().size());
  }

  @Test
  void inferenceErrorDeniesTheWholeBatchAndTheNextBatchIsDecided() {
    start(2);
    enrolAliceAndBob();
    int before = inferenceCalls.get();
    failNextInferences.set(1);
    frames.pipeInput("door-1", Faces.event("a", Faces.raw(Faces.left()), null));
    frames.pipeInput("door-1", Faces.event("b", Faces.raw(Faces.top()), null));
    List<AccessDecision> failed = decisions.readValuesToList();
    assertEquals(2, failed.size());
    for (AccessDecision d : failed) {
      assertEquals(Outcome.DENIED, d.getOutcome());
      assertEquals(DecisionReason.MODEL_ERROR, d.getReason());
    }
    assertEquals(2, dead.readValuesToList().size());
    assertTrue(granted.isEmpty());
    frames.pipeInput("door-1", Faces.event("c", Faces.raw(Faces.left()), null));
    frames.pipeInput("door-1", Faces.event("d", Faces.raw(Faces.top()), null));
    List<AccessDecision> next = decisions.readValuesToList();
    assertEquals(Outcome.GRANTED, next.get(0).getOutcome());
    assertEquals(Outcome.GRANTED, next.get(1).getOutcome());
    assertEquals(2, inferenceCalls.get() - before);
  }

  @Test
  void nanEmbeddingFromTheModelIsDeniedAsModelErrorAndDeadLettered() {
    start(2);
    enrolAliceAndBob();
    nanNextInferences.set(1);
    frames.pipeInput("door-1", Faces.event("nan", Faces.raw(Faces.left()), null));
    frames.pipeInput("door-1", Faces.event("ok", Faces.raw(Faces.left()), null));
    List<AccessDecision> out = decisions.readValuesToList();
    assertEquals(DecisionReason.MODEL_ERROR, out.get(0).getReason());
    assertEquals(Outcome.DENIED, out.get(0).getOutcome());
    assertEquals(Outcome.GRANTED, out.get(1).getOutcome());
    DeadLetter letter = dead.readValue();
    assertEquals("nan", letter.getEventId());
    assertEquals("MODEL_ERROR", letter.getReason());
    assertTrue(dead.isEmpty());
  }

  @Test
  void batchesUpToMaxSizeInOneInferenceAndEmitsInInputOrder() {
    start(3);
    enrolAliceAndBob();
    int before = inferenceCalls.get();
    frames.pipeInput("door-1", Faces.event("e1", Faces.raw(Faces.left()), null));
    frames.pipeInput("door-1", Faces.event("e2", Faces.raw(Faces.diagonal()), null));
    assertTrue(decisions.isEmpty(), "buffered until the batch is full or the wait elapses");
    frames.pipeInput("door-1", Faces.event("e3", Faces.raw(Faces.top()), null));
    List<AccessDecision> out = decisions.readValuesToList();
    assertEquals(List.of("e1", "e2", "e3"), ids(out));
    assertEquals(List.of(Outcome.GRANTED, Outcome.DENIED, Outcome.GRANTED), outcomes(out));
    assertEquals(1, inferenceCalls.get() - before, "one inference call for the batch");
    assertEquals(List.of("e1", "e3"), ids(granted.readValuesToList()));
  }

  @Test
  void batchIsFlushedBeforeItsBytesWouldExceedTheBoundLongBeforeTheCountLimit() {
    // a buffered 32x32 raw frame is about 1.2 KB (1 KiB of pixels, the Avro envelope, its
    // source coordinates and hash): two fit under 3000 bytes, a third would not
    start(10, 3000, DecisionSeal.UNSIGNED);
    enrolAliceAndBob();
    batchSizes.clear();
    List<String> sent = new ArrayList<>();
    for (int i = 1; i <= 7; i++) {
      sent.add("e" + i);
      frames.pipeInput(
          "door-1", Faces.event("e" + i, Faces.raw(i % 2 == 0 ? Faces.top() : Faces.left()), null));
    }
    // no wall-clock flush yet and far below 10 events: only the byte bound flushed
    assertEquals(List.of(2, 2, 2), batchSizes);
    List<AccessDecision> out = new ArrayList<>(decisions.readValuesToList());
    assertEquals(sent.subList(0, 6), ids(out));
    driver.advanceWallClockTime(WAIT);
    out.addAll(decisions.readValuesToList());
    driver.advanceWallClockTime(WAIT);
    assertTrue(decisions.isEmpty(), "nothing is decided twice");
    assertEquals(sent, ids(out), "one decision per event, in input order");
    for (AccessDecision d : out) {
      assertEquals(Outcome.GRANTED, d.getOutcome(), d.getEventId());
    }
  }

  @Test
  void aRecordLargerThanTheByteBoundIsDecidedOnItsOwn() {
    start(10, 1024, DecisionSeal.UNSIGNED);
    enrolAliceAndBob();
    batchSizes.clear();
    frames.pipeInput("door-1", Faces.event("a", Faces.raw(Faces.left()), null));
    frames.pipeInput("door-1", Faces.event("b", Faces.raw(Faces.top()), null));
    rawFrames.pipeInput("door-1", new byte[LIMITS.maxBytes() + 70 * 1024]);
    frames.pipeInput("door-1", Faces.event("c", Faces.raw(Faces.left()), null));
    assertEquals(List.of(1, 1, 1), batchSizes, "the oversized record needs no inference");
    List<AccessDecision> out = decisions.readValuesToList();
    assertEquals(4, out.size());
    assertEquals(List.of("a", "b"), ids(out.subList(0, 2)));
    assertEquals(DecisionReason.IMAGE_TOO_LARGE, out.get(2).getReason());
    assertEquals("c", out.get(3).getEventId());
    driver.advanceWallClockTime(WAIT);
    assertTrue(decisions.isEmpty());
  }

  @Test
  void partialBatchIsFlushedByTheWallClockPunctuator() {
    start(10);
    enrolAliceAndBob();
    frames.pipeInput("door-1", Faces.event("e1", Faces.raw(Faces.left()), null));
    frames.pipeInput("door-1", Faces.event("e2", Faces.raw(Faces.top()), null));
    assertTrue(decisions.isEmpty());
    driver.advanceWallClockTime(WAIT);
    assertEquals(List.of("e1", "e2"), ids(decisions.readValuesToList()));
    driver.advanceWallClockTime(WAIT);
    assertTrue(decisions.isEmpty(), "nothing is decided twice");
  }

  @Test
  void enrollmentWithBadImageChangesNothingAndIsDeadLettered() {
    start(1);
    enrolAliceAndBob();
    Enrollment bad = Faces.enroll("alice", Faces.top());
    bad.getImages().add(Faces.image(new byte[3], ImageEncoding.PNG, null, null));
    enrollments.pipeInput("alice", bad);
    DeadLetter letter = dead.readValue();
    assertEquals("alice", letter.getEventId());
    assertEquals(DecisionReason.BAD_IMAGE.name(), letter.getReason());
    // alice's old template still stands
    assertEquals(
        Outcome.GRANTED, decide(Faces.event("e1", Faces.raw(Faces.left()), "alice")).getOutcome());
  }

  @Test
  void unreadableEnrollmentIsDeadLetteredUnderItsCoordinates() {
    start(1);
    TestInputTopic<String, byte[]> raw =
        driver.createInputTopic(
            topics.enrollments().name(), new StringSerializer(), new ByteArraySerializer());
    raw.pipeInput("x", new byte[] {1, 2, 3});
    DeadLetter letter = dead.readValue();
    assertEquals("dlq:enrollments-0-0", letter.getEventId());
    assertEquals(DecisionReason.UNKNOWN_SCHEMA.name(), letter.getReason());
  }

  @Test
  void noDecisionIsEverGrantedWithoutMatchReason() {
    start(4);
    enrolAliceAndBob();
    List<AccessDecision> all = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      byte[] p = i % 3 == 0 ? Faces.left() : i % 3 == 1 ? Faces.top() : Faces.diagonal();
      frames.pipeInput("door-1", Faces.event("e" + i, Faces.raw(p), i % 2 == 0 ? null : "bob"));
    }
    driver.advanceWallClockTime(WAIT);
    all.addAll(decisions.readValuesToList());
    assertEquals(12, all.size());
    List<String> grants = new ArrayList<>();
    for (AccessDecision d : all) {
      if (d.getOutcome() == Outcome.GRANTED) {
        grants.add(d.getEventId());
        assertEquals(DecisionReason.MATCH, d.getReason());
        assertTrue(d.getDistance() <= d.getThreshold());
      }
    }
    // the check above is not vacuous: left and top faces 1:N and top claimed as bob match,
    // left claimed as bob and every diagonal face do not
    assertEquals(List.of("e0", "e1", "e4", "e6", "e7", "e10"), grants);
  }

  @Test
  void eventWhoseInferenceHangsIsDeniedAtTheBudgetAndTheEventsBehindItAreDecided() {
    ProcessingBudget budget =
        new ProcessingBudget(Duration.ofMillis(200), Duration.ofMillis(500), 1);
    start(1, TopologyConfig.DEFAULT_MAX_BATCH_BYTES, DecisionSeal.UNSIGNED, budget);
    enrolAliceAndBob();
    hangOnDiagonal = true;
    long t0 = System.nanoTime();
    frames.pipeInput("door-1", Faces.event("e1", Faces.raw(Faces.left()), null));
    frames.pipeInput("door-1", Faces.event("hung", Faces.raw(Faces.diagonal()), null));
    frames.pipeInput("door-1", Faces.event("e3", Faces.raw(Faces.top()), "bob"));
    frames.pipeInput("door-1", Faces.event("e4", Faces.raw(Faces.left()), null));
    driver.advanceWallClockTime(WAIT);
    long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();

    List<AccessDecision> out = decisions.readValuesToList();
    assertEquals(List.of("e1", "hung", "e3", "e4"), ids(out), "one decision each, in order");
    assertEquals(Outcome.DENIED, out.get(1).getOutcome());
    assertEquals(DecisionReason.PROCESSING_TIMEOUT, out.get(1).getReason());
    assertEquals(
        List.of(Outcome.GRANTED, Outcome.DENIED, Outcome.GRANTED, Outcome.GRANTED), outcomes(out));
    List<DeadLetter> letters = dead.readValuesToList();
    assertEquals(1, letters.size());
    assertEquals("hung", letters.get(0).getEventId());
    assertEquals("PROCESSING_TIMEOUT", letters.get(0).getReason());
    assertEquals(List.of("e1", "e3", "e4"), ids(granted.readValuesToList()));
    // the stream thread was held for one batch budget, not for the 30 s the model hung
    assertTrue(ms < 3 * budget.batch().toMillis(), "held the stream thread " + ms + " ms");
  }

  @Test
  void enrollmentWhoseInferenceHangsIsDeadLetteredAtTheBudgetAndChangesNothing() {
    ProcessingBudget budget =
        new ProcessingBudget(Duration.ofMillis(200), Duration.ofMillis(500), 1);
    start(1, TopologyConfig.DEFAULT_MAX_BATCH_BYTES, DecisionSeal.UNSIGNED, budget);
    enrolAliceAndBob();
    hangOnDiagonal = true;
    long t0 = System.nanoTime();
    enrollments.pipeInput("alice", Faces.enroll("alice", Faces.diagonal()));
    long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
    DeadLetter letter = dead.readValue();
    assertEquals("alice", letter.getEventId());
    assertEquals("PROCESSING_TIMEOUT", letter.getReason());
    assertTrue(ms < 3 * budget.batch().toMillis(), "held the stream thread " + ms + " ms");
    // alice's old template still stands, and the next enrollment is taken
    assertEquals(
        Outcome.GRANTED, decide(Faces.event("e1", Faces.raw(Faces.left()), "alice")).getOutcome());
    enrollments.pipeInput("carol", Faces.enroll("carol", Faces.top()));
    assertEquals(
        Outcome.GRANTED, decide(Faces.event("e2", Faces.raw(Faces.top()), "carol")).getOutcome());
  }

  @Test
  void corruptBatchBufferEntryIsDeniedAndDeadLetteredNotAThreadKiller() {
    start(4);
    enrolAliceAndBob();
    frames.pipeInput("door-1", Faces.event("e1", Faces.raw(Faces.left()), null));
    KeyValueStore<Long, byte[]> buffer = driver.getKeyValueStore(FacegateTopology.BUFFER_STORE);
    // as a restored changelog could hold it: sorts after e1 (sequence 0)
    buffer.put(7L, new byte[] {1, 0, 0});
    driver.advanceWallClockTime(WAIT);
    List<AccessDecision> out = decisions.readValuesToList();
    assertEquals(2, out.size());
    assertEquals(Outcome.GRANTED, out.get(0).getOutcome());
    assertEquals(Outcome.DENIED, out.get(1).getOutcome());
    assertEquals(DecisionReason.INTERNAL_ERROR, out.get(1).getReason());
    assertEquals("dlq:frame-batch-buffer--1-7", out.get(1).getEventId());
    DeadLetter letter = dead.readValue();
    assertEquals("dlq:frame-batch-buffer--1-7", letter.getEventId());
    assertEquals(3, letter.getPayloadSize());
    assertTrue(dead.isEmpty());
    assertNull(buffer.get(7L), "taken out of the buffer with its decision");
    // the task goes on
    assertEquals(
        Outcome.GRANTED, decide(Faces.event("e2", Faces.raw(Faces.left()), null)).getOutcome());
  }

  @Test
  void everyDecisionIsSignedWithTheConfiguredKeyAndVerifies() throws Exception {
    Path keys = java.nio.file.Files.createDirectories(dir.resolve("keys"));
    KeyGen.KeyFiles files = KeyGen.generate("processor-test", keys);
    DecisionSigner signer = DecisionSigner.fromPemFile("processor-test", files.privateKey());
    start(2, signer::signed);
    enrolAliceAndBob();
    frames.pipeInput("door-1", Faces.event("e1", Faces.raw(Faces.left()), null));
    rawFrames.pipeInput("door-1", new byte[] {1, 2, 3});
    List<AccessDecision> out = decisions.readValuesToList();
    assertEquals(2, out.size());
    DecisionVerifier verifier = DecisionVerifier.fromDirectory(keys);
    for (AccessDecision d : out) {
      assertEquals("processor-test", d.getSignatureKeyId());
      assertTrue(verifier.verify(d), "signature verifies: " + d.getEventId());
    }
    assertTrue(verifier.verify(granted.readValue()));
  }

  @Test
  void grantThatCannotBeSealedIsPublishedAsDenial() {
    start(
        1,
        d -> {
          throw new IllegalStateException("signing key unavailable");
        });
    enrolAliceAndBob();
    AccessDecision d = decide(Faces.event("e1", Faces.raw(Faces.left()), null));
    assertEquals(Outcome.DENIED, d.getOutcome());
    assertEquals(DecisionReason.INTERNAL_ERROR, d.getReason());
    assertTrue(granted.isEmpty(), "no unsealed grant reaches the doors");
  }

  private static List<String> ids(List<AccessDecision> ds) {
    return ds.stream().map(AccessDecision::getEventId).toList();
  }

  private static List<Outcome> outcomes(List<AccessDecision> ds) {
    return ds.stream().map(AccessDecision::getOutcome).toList();
  }
}
