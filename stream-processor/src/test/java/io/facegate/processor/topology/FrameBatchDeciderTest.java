package io.facegate.processor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.face.DetectionSpec;
import io.facegate.model.face.FaceDetector;
import io.facegate.model.face.FaceFinder;
import io.facegate.model.face.FaceStage;
import io.facegate.model.liveness.LivenessCheck;
import io.facegate.model.liveness.LivenessVerdict;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.Embedder;
import io.facegate.model.onnx.TinyOnnxModel;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.ImageRejectedException;
import io.facegate.model.preprocess.RawImage;
import io.facegate.processor.core.embedding.Gallery;
import io.facegate.processor.core.policy.PolicyConfig;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.ImageEncoding;
import io.facegate.schemas.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FrameBatchDecider} on its own: buffer entries in, verdicts out, with a stand-in model (4x4
 * average pooling, the embedding the tiny ONNX model computes) and stand-in stages that hang on one
 * chosen event, as a pathological image or a wedged accelerator would.
 */
class FrameBatchDeciderTest {
  private static final String V1 = "tiny-v1";
  private static final TinyOnnxModel MODEL = TinyOnnxModel.pooling(V1, 16, 16, 1, 4, 0.5f);
  private static final ModelMetadata META = MODEL.metadata(V1, 0.5f);
  private static final ImageLimits LIMITS = new ImageLimits(16 * 1024, 64 * 64, 8);
  private static final Duration EVENT_BUDGET = Duration.ofMillis(200);
  private static final Duration BATCH_BUDGET = Duration.ofSeconds(2);

  /** How long a hung stage stays hung unless released: far beyond every budget. */
  private static final long HANG_MS = 30_000;

  private final ProcessorTopics topics = TestSerdes.topics();
  private final Serializer<FaceEvent> serializer = topics.cameraFrames().valueSerde().serializer();
  private final FaceTensors real =
      new FaceTensors(LIMITS, META.input(), FaceFinder.cropsOnly(FaceStage.WHOLE_IMAGE));
  private final Gallery gallery = new Gallery(V1, MODEL.embeddingDim());
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger interruptsIgnored = new AtomicInteger();
  private final AtomicInteger overdue = new AtomicInteger();
  private final ProcessingObserver observer =
      new ProcessingObserver() {
        @Override
        public void workerOverdue() {
          overdue.incrementAndGet();
        }

        @Override
        public void workerReturned() {
          overdue.decrementAndGet();
        }
      };
  private final List<BoundedWorkers> pools = new ArrayList<>();

  @AfterEach
  void releaseHungStages() {
    release.countDown();
    pools.forEach(BoundedWorkers::close);
  }

  /** 4x4 average pooling of the 16x16 tensor: what {@link #MODEL} computes. */
  private static float[] pool(float[] t) {
    float[] out = new float[16];
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        out[(y / 4) * 4 + x / 4] += t[y * 16 + x] / 16f;
      }
    }
    return out;
  }

  private final Embedder pooling =
      new Embedder() {
        @Override
        public ModelMetadata metadata() {
          return META;
        }

        @Override
        public float[][] embed(float[] chw, int batch) {
          float[][] out = new float[batch][];
          for (int b = 0; b < batch; b++) {
            out[b] = pool(Arrays.copyOfRange(chw, b * 256, (b + 1) * 256));
          }
          return out;
        }
      };

  /** Hangs, deaf to interrupts as ImageIO and native inference are, until released. */
  private void hang() {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HANG_MS);
    while (System.nanoTime() < end) {
      try {
        if (release.await(10, TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        interruptsIgnored.incrementAndGet();
      }
    }
  }

  /** The real decoder, except that it hangs on the diagonal face. */
  private RawImage hangOnDiagonal(FaceImage image) throws ImageRejectedException {
    byte[] data = new byte[image.getData().remaining()];
    image.getData().duplicate().get(data);
    if (Arrays.equals(data, Faces.diagonal())) {
      hang();
    }
    return real.decode(image);
  }

  private FrameBatchDecider decider(
      Embedder embedder, FrameBatchDecider.ImageStage images, int maxOverdue) {
    return decider(embedder, images, maxOverdue, real.finder());
  }

  private FrameBatchDecider decider(
      Embedder embedder, FrameBatchDecider.ImageStage images, int maxOverdue, FaceFinder finder) {
    return decider(embedder, images, maxOverdue, finder, LivenessCheck.OFF);
  }

  private FrameBatchDecider decider(
      Embedder embedder,
      FrameBatchDecider.ImageStage images,
      int maxOverdue,
      FaceFinder finder,
      LivenessCheck liveness) {
    TopologyConfig config =
        new TopologyConfig(
            16,
            Duration.ofMillis(50),
            TopologyConfig.DEFAULT_MAX_BATCH_BYTES,
            LIMITS,
            new PolicyConfig(0.5f, 0f),
            new ProcessingBudget(EVENT_BUDGET, BATCH_BUDGET, 1));
    BoundedWorkers workers = new BoundedWorkers("decider-test", 1, maxOverdue, observer);
    pools.add(workers);
    return new FrameBatchDecider(
        config,
        topics.cameraFrames().valueSerde().deserializer(),
        embedder,
        gallery,
        observer,
        DecisionSeal.UNSIGNED,
        workers,
        images,
        finder,
        liveness);
  }

  private FrameBatchDecider decider() {
    return decider(pooling, real::decode, ProcessingBudget.MAX_OVERDUE_WORKERS);
  }

  private void enrolAlice() throws Exception {
    gallery.put(
        "alice", pool(real.preprocessor().toTensor(real.decode(Faces.raw(Faces.left())))), V1);
  }

  private KeyValue<Long, byte[]> entry(long seq, FaceEvent e) {
    byte[] value = serializer.serialize("camera-frames", e);
    return KeyValue.pair(
        seq,
        new BufferedInput(
                "door-1",
                value,
                false,
                PayloadHash.sha256Hex(value),
                value.length,
                "camera-frames",
                0,
                seq,
                1_000 + seq,
                900)
            .encode());
  }

  private KeyValue<Long, byte[]> face(long seq, String id, byte[] pixels) {
    return entry(seq, Faces.event(id, Faces.raw(pixels), null));
  }

  private static List<String> ids(List<FrameBatchDecider.Verdict> vs) {
    return vs.stream().map(v -> v.decision().getEventId()).toList();
  }

  @Test
  void decidesEveryEntryInInputOrderOnItsMerits() throws Exception {
    enrolAlice();
    List<FrameBatchDecider.Verdict> out =
        decider()
            .decide(
                List.of(
                    face(0, "e0", Faces.left()),
                    face(1, "e1", Faces.top()),
                    entry(2, Faces.event("e2", Faces.raw(Faces.left()), "bob")),
                    entry(
                        3,
                        Faces.event(
                            "e3",
                            Faces.image(new byte[] {1, 2, 3}, ImageEncoding.PNG, null, null),
                            null))),
                5_000);
    assertEquals(List.of("e0", "e1", "e2", "e3"), ids(out));
    assertEquals(Outcome.GRANTED, out.get(0).decision().getOutcome());
    assertEquals("alice", out.get(0).decision().getMatchedIdentity());
    assertTrue(out.get(0).granted());
    assertEquals(DecisionReason.NO_MATCH, out.get(1).decision().getReason());
    assertEquals(DecisionReason.UNKNOWN_IDENTITY, out.get(2).decision().getReason());
    assertEquals(DecisionReason.BAD_IMAGE, out.get(3).decision().getReason());
    assertEquals(
        List.of(1_000L, 1_001L, 1_002L, 1_003L),
        out.stream().map(FrameBatchDecider.Verdict::timestamp).toList());
    assertEquals(4_100L, out.get(0).decision().getProcessingLatencyMs());
    assertNull(out.get(0).deadLetter());
    assertNull(out.get(1).deadLetter());
    assertEquals("BAD_IMAGE", out.get(3).deadLetter().getReason());
  }

  @Test
  void poisonBufferEntriesAreDeniedAndDeadLetteredAndTheRestDecided() throws Exception {
    enrolAlice();
    byte[] good = face(1, "x", Faces.left()).value;
    byte[] truncated = Arrays.copyOf(good, good.length / 2);
    // format 1, then a key length claiming 2 GiB
    byte[] hugeLength = {1, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0};
    byte[] trailing = Arrays.copyOf(good, good.length + 3);
    List<KeyValue<Long, byte[]>> entries = new ArrayList<>();
    entries.add(face(0, "before", Faces.left()));
    entries.add(KeyValue.pair(1L, new byte[] {7, 7, 7}));
    entries.add(KeyValue.pair(2L, truncated));
    entries.add(KeyValue.pair(3L, hugeLength));
    entries.add(KeyValue.pair(4L, trailing));
    entries.add(KeyValue.pair(5L, null));
    entries.add(face(6, "after", Faces.left()));

    List<FrameBatchDecider.Verdict> out = decider().decide(entries, 5_000);

    assertEquals(7, out.size(), "one verdict per entry");
    assertEquals(Outcome.GRANTED, out.get(0).decision().getOutcome());
    assertEquals(Outcome.GRANTED, out.get(6).decision().getOutcome());
    assertEquals("after", out.get(6).decision().getEventId());
    for (int i = 1; i <= 5; i++) {
      FrameBatchDecider.Verdict v = out.get(i);
      assertEquals(Outcome.DENIED, v.decision().getOutcome(), "entry " + i);
      assertEquals(DecisionReason.INTERNAL_ERROR, v.decision().getReason(), "entry " + i);
      assertEquals("dlq:frame-batch-buffer--1-" + i, v.decision().getEventId());
      assertNotNull(v.deadLetter(), "entry " + i);
      assertEquals("INTERNAL_ERROR", v.deadLetter().getReason());
      assertEquals(PayloadHash.sha256Hex(entries.get(i).value), v.deadLetter().getPayloadSha256());
      assertTrue(
          v.deadLetter().getError().startsWith("batch-buffer entry unreadable"),
          v.deadLetter().getError());
    }
  }

  @Test
  void eventStuckInDecodingIsDeniedAtItsBudgetAndTheEventsBehindItAreDecided() throws Exception {
    enrolAlice();
    FrameBatchDecider decider =
        decider(pooling, this::hangOnDiagonal, ProcessingBudget.MAX_OVERDUE_WORKERS);
    long t0 = System.nanoTime();
    List<FrameBatchDecider.Verdict> out =
        decider.decide(
            List.of(
                face(0, "e0", Faces.left()),
                face(1, "stuck", Faces.diagonal()),
                face(2, "e2", Faces.left()),
                face(3, "e3", Faces.top())),
            5_000);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    assertTrue(ms < BATCH_BUDGET.toMillis(), "the batch took " + ms + " ms");
    assertEquals(List.of("e0", "stuck", "e2", "e3"), ids(out));
    assertEquals(Outcome.GRANTED, out.get(0).decision().getOutcome());
    FrameBatchDecider.Verdict stuck = out.get(1);
    assertEquals(Outcome.DENIED, stuck.decision().getOutcome());
    assertEquals(
        DecisionReason.PROCESSING_TIMEOUT,
        stuck.decision().getReason(),
        stuck.decision().getDetail());
    assertEquals("PROCESSING_TIMEOUT", stuck.deadLetter().getReason());
    // a fresh worker took over from the hung one: the events behind it were decided on merit
    assertEquals(Outcome.GRANTED, out.get(2).decision().getOutcome());
    assertEquals(DecisionReason.NO_MATCH, out.get(3).decision().getReason());
    assertTrue(interruptsIgnored.get() >= 1, "the hung worker was interrupted");
    assertEquals(1, overdue.get(), "the hung worker counts as overdue");

    release.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (overdue.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, overdue.get(), "a returning worker is no longer overdue");
  }

  @Test
  void withEveryWorkerHungTheBatchIsStillDeniedWithinItsBudget() throws Exception {
    enrolAlice();
    // one worker, one replacement: the third hung event finds no free worker
    FrameBatchDecider decider = decider(pooling, this::hangOnDiagonal, 1);
    long t0 = System.nanoTime();
    List<FrameBatchDecider.Verdict> out =
        decider.decide(
            List.of(
                face(0, "s0", Faces.diagonal()),
                face(1, "s1", Faces.diagonal()),
                face(2, "s2", Faces.diagonal()),
                face(3, "e3", Faces.left())),
            5_000);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    assertTrue(ms < BATCH_BUDGET.toMillis() + 500, "the batch took " + ms + " ms");
    assertEquals(4, out.size());
    for (FrameBatchDecider.Verdict v : out) {
      assertEquals(Outcome.DENIED, v.decision().getOutcome(), v.decision().getEventId());
      assertEquals(DecisionReason.PROCESSING_TIMEOUT, v.decision().getReason());
    }
    assertEquals(2, overdue.get());
  }

  @Test
  void inferenceHungPastTheBatchBudgetDeniesItsBatchAsProcessingTimeout() throws Exception {
    enrolAlice();
    Embedder hung =
        new Embedder() {
          @Override
          public ModelMetadata metadata() {
            return META;
          }

          @Override
          public float[][] embed(float[] chw, int batch) {
            hang();
            return pooling.embed(chw, batch);
          }
        };
    long t0 = System.nanoTime();
    List<FrameBatchDecider.Verdict> out =
        decider(hung, real::decode, 4)
            .decide(
                List.of(
                    face(0, "e0", Faces.left()),
                    entry(
                        1,
                        Faces.event(
                            "bad",
                            Faces.image(new byte[] {1}, ImageEncoding.PNG, null, null),
                            null)),
                    face(2, "e2", Faces.left())),
                5_000);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    assertTrue(ms < BATCH_BUDGET.toMillis() + 500, "the batch took " + ms + " ms");
    assertEquals(DecisionReason.PROCESSING_TIMEOUT, out.get(0).decision().getReason());
    assertEquals(DecisionReason.BAD_IMAGE, out.get(1).decision().getReason());
    assertEquals(DecisionReason.PROCESSING_TIMEOUT, out.get(2).decision().getReason());
    assertTrue(out.stream().noneMatch(FrameBatchDecider.Verdict::granted));
    assertTrue(out.stream().allMatch(v -> v.deadLetter() != null));
  }

  @Test
  void modelThatReturnsTooFewEmbeddingsDeniesTheBatchAsModelError() throws Exception {
    enrolAlice();
    Embedder shortChanged =
        new Embedder() {
          @Override
          public ModelMetadata metadata() {
            return META;
          }

          @Override
          public float[][] embed(float[] chw, int batch) {
            return Arrays.copyOf(pooling.embed(chw, batch), batch - 1);
          }
        };
    List<FrameBatchDecider.Verdict> out =
        decider(shortChanged, real::decode, 4)
            .decide(List.of(face(0, "e0", Faces.left()), face(1, "e1", Faces.left())), 5_000);
    for (FrameBatchDecider.Verdict v : out) {
      assertEquals(DecisionReason.MODEL_ERROR, v.decision().getReason());
      assertEquals(Outcome.DENIED, v.decision().getOutcome());
    }
  }

  @Test
  void imageStageThatReturnsNoImageIsDeniedAsBadImage() throws Exception {
    enrolAlice();
    List<FrameBatchDecider.Verdict> out =
        decider(pooling, image -> null, 4).decide(List.of(face(0, "e0", Faces.left())), 5_000);
    assertEquals(DecisionReason.BAD_IMAGE, out.get(0).decision().getReason());
    assertTrue(out.get(0).decision().getDetail().contains("no image"));
  }

  private List<FrameBatchDecider.Verdict> decideFrames(FaceFinder.MultipleFaces multiple) {
    return decider(pooling, real::decode, 4, Faces.frameFinder(multiple))
        .decide(
            List.of(
                entry(0, Faces.event("no-face", Faces.frame(51), null)),
                entry(1, Faces.event("tiny", Faces.frame(52), null)),
                entry(2, Faces.event("unsure", Faces.frame(53), null)),
                entry(3, Faces.event("two", Faces.frame(54), null)),
                entry(4, Faces.event("huge", Faces.hugeFrame(), null)),
                entry(5, Faces.event("corrupt", Faces.corruptFrame(), null)),
                entry(6, Faces.event("alice", Faces.frame(50), null))),
            5_000);
  }

  @Test
  void framesWithoutAUsableFaceAreDeniedWithTheirReasonAndTheNextFrameIsDecided() throws Exception {
    enrolAlice();
    List<FrameBatchDecider.Verdict> out = decideFrames(FaceFinder.MultipleFaces.DENY);
    assertEquals(List.of("no-face", "tiny", "unsure", "two", "huge", "corrupt", "alice"), ids(out));
    List<DecisionReason> reasons = out.stream().map(v -> v.decision().getReason()).toList();
    assertEquals(
        List.of(
            DecisionReason.NO_FACE,
            DecisionReason.FACE_TOO_SMALL,
            DecisionReason.LOW_DETECTION_SCORE,
            DecisionReason.MULTIPLE_FACES,
            DecisionReason.IMAGE_TOO_LARGE,
            DecisionReason.BAD_IMAGE,
            DecisionReason.MATCH),
        reasons);
    for (int i = 0; i < 6; i++) {
      assertEquals(Outcome.DENIED, out.get(i).decision().getOutcome(), ids(out).get(i));
    }
    // a face-less frame is a decision, not a dead letter; a broken image is both
    for (int i = 0; i < 4; i++) {
      assertNull(out.get(i).deadLetter(), ids(out).get(i));
    }
    assertEquals("BAD_IMAGE", out.get(5).deadLetter().getReason());
    assertNull(out.get(0).decision().getFaceBox());
    assertEquals(4f, out.get(1).decision().getFaceBox().getWidth());
    assertEquals(0.3f, out.get(2).decision().getDetectionScore(), 1e-6);
    Outcome alice = out.get(6).decision().getOutcome();
    assertEquals(Outcome.GRANTED, alice);
    assertEquals("alice", out.get(6).decision().getMatchedIdentity());
    assertEquals(16f, out.get(6).decision().getFaceBox().getX());
    assertEquals(0.9f, out.get(6).decision().getDetectionScore(), 1e-6);
  }

  @Test
  void twoFacesUnderTheLargestPolicyDecideTheLargest() throws Exception {
    enrolAlice();
    List<FrameBatchDecider.Verdict> out = decideFrames(FaceFinder.MultipleFaces.LARGEST);
    AccessDecision two = out.get(3).decision();
    assertEquals(Outcome.GRANTED, two.getOutcome(), two.getReason() + ": " + two.getDetail());
    assertEquals(32f, two.getFaceBox().getWidth());
    assertEquals(DecisionReason.MATCH, out.get(6).decision().getReason());
  }

  @Test
  void aFailingDetectorDeniesItsBatchAsModelError() throws Exception {
    enrolAlice();
    FaceDetector broken =
        images -> {
          throw new IllegalStateException("detector exploded");
        };
    FaceFinder finder =
        new FaceFinder(
            broken,
            new DetectionSpec("x.onnx", 0),
            FaceStage.WHOLE_IMAGE,
            FaceFinder.Settings.defaults());
    List<FrameBatchDecider.Verdict> out =
        decider(pooling, real::decode, 4, finder)
            .decide(
                List.of(
                    entry(0, Faces.event("f", Faces.frame(50), null)),
                    face(1, "crop", Faces.left())),
                5_000);
    for (FrameBatchDecider.Verdict v : out) {
      assertEquals(DecisionReason.MODEL_ERROR, v.decision().getReason());
    }
    // the next batch, with a working finder, is decided as usual
    assertEquals(
        Outcome.GRANTED,
        decider()
            .decide(List.of(face(2, "next", Faces.left())), 5_000)
            .get(0)
            .decision()
            .getOutcome());
  }

  // --- liveness ---

  private static final float LIVENESS_THRESHOLD = 0.5f;

  /**
   * A stand-in liveness model that knows the test faces: left (alice) is live, top (bob) a spoof,
   * diagonal gets a NaN score. Counts the faces it was asked about.
   */
  private class FakeLiveness implements LivenessCheck {
    final AtomicInteger scored = new AtomicInteger();

    float score(RawImage face) {
      if (Arrays.equals(face.pixels(), Faces.left())) {
        return 0.93f;
      }
      if (Arrays.equals(face.pixels(), Faces.top())) {
        return 0.12f;
      }
      return Float.NaN;
    }

    @Override
    public List<LivenessVerdict> check(List<RawImage> faces) {
      scored.addAndGet(faces.size());
      return faces.stream().map(f -> LivenessVerdict.scored(score(f), LIVENESS_THRESHOLD)).toList();
    }

    @Override
    public String describe() {
      return "fake >= 0.5";
    }

    @Override
    public void close() {}
  }

  private FrameBatchDecider decider(LivenessCheck liveness) {
    return decider(pooling, real::decode, 4, real.finder(), liveness);
  }

  private void enrolAliceAndBob() throws Exception {
    enrolAlice();
    gallery.put("bob", pool(real.preprocessor().toTensor(real.decode(Faces.raw(Faces.top())))), V1);
  }

  @Test
  void aLiveFacePassesWithItsScoreAndASpoofOfAnEnrolledPersonIsDeniedSpoofSuspected()
      throws Exception {
    enrolAliceAndBob();
    AtomicInteger embedded = new AtomicInteger();
    Embedder counting =
        new Embedder() {
          @Override
          public ModelMetadata metadata() {
            return META;
          }

          @Override
          public float[][] embed(float[] chw, int batch) {
            embedded.addAndGet(batch);
            return pooling.embed(chw, batch);
          }
        };
    FakeLiveness liveness = new FakeLiveness();
    List<FrameBatchDecider.Verdict> out =
        decider(counting, real::decode, 4, real.finder(), liveness)
            .decide(
                List.of(
                    face(0, "alice", Faces.left()),
                    face(1, "bob-photo", Faces.top()),
                    entry(
                        2,
                        Faces.event(
                            "bad",
                            Faces.image(new byte[] {1}, ImageEncoding.PNG, null, null),
                            null))),
                5_000);

    AccessDecision alice = out.get(0).decision();
    assertEquals(Outcome.GRANTED, alice.getOutcome());
    assertEquals(0.93f, alice.getLivenessScore());
    AccessDecision spoof = out.get(1).decision();
    assertEquals(Outcome.DENIED, spoof.getOutcome());
    assertEquals(DecisionReason.SPOOF_SUSPECTED, spoof.getReason());
    assertEquals(0.12f, spoof.getLivenessScore());
    assertNull(spoof.getMatchedIdentity(), "a spoof is not searched");
    assertTrue(
        spoof.getDetail().contains("0.120") && spoof.getDetail().contains("fake >= 0.5"),
        spoof.getDetail());
    assertNull(out.get(1).deadLetter(), "a spoof is a decision, not broken data");
    assertEquals(DecisionReason.BAD_IMAGE, out.get(2).decision().getReason());
    assertNull(out.get(2).decision().getLivenessScore());
    assertEquals(2, liveness.scored.get(), "one call for the two decodable faces");
    assertEquals(1, embedded.get(), "only the live face reaches the embedder");
  }

  @Test
  void withLivenessOffNothingIsScoredAndTheSpoofMatches() throws Exception {
    enrolAliceAndBob();
    List<FrameBatchDecider.Verdict> out =
        decider(LivenessCheck.OFF).decide(List.of(face(0, "bob-photo", Faces.top())), 5_000);
    AccessDecision d = out.get(0).decision();
    assertEquals(Outcome.GRANTED, d.getOutcome());
    assertEquals("bob", d.getMatchedIdentity());
    assertNull(d.getLivenessScore());
  }

  @Test
  void aNanLivenessScoreIsDeniedModelErrorAndTheOthersAreDecided() throws Exception {
    enrolAliceAndBob();
    List<FrameBatchDecider.Verdict> out =
        decider(new FakeLiveness())
            .decide(
                List.of(face(0, "nan", Faces.diagonal()), face(1, "alice", Faces.left())), 5_000);
    AccessDecision nan = out.get(0).decision();
    assertEquals(Outcome.DENIED, nan.getOutcome());
    assertEquals(DecisionReason.MODEL_ERROR, nan.getReason());
    assertNull(nan.getLivenessScore());
    assertTrue(nan.getDetail().contains("NaN"), nan.getDetail());
    assertEquals("MODEL_ERROR", out.get(0).deadLetter().getReason());
    assertEquals(Outcome.GRANTED, out.get(1).decision().getOutcome());
  }

  @Test
  void aVerdictThatPassesUnscoredIsDeniedModelError() throws Exception {
    enrolAliceAndBob();
    LivenessCheck unscored =
        new FakeLiveness() {
          @Override
          public List<LivenessVerdict> check(List<RawImage> faces) {
            return java.util.Collections.nCopies(faces.size(), LivenessVerdict.notChecked());
          }
        };
    AccessDecision d =
        decider(unscored).decide(List.of(face(0, "alice", Faces.left())), 5_000).get(0).decision();
    assertEquals(DecisionReason.MODEL_ERROR, d.getReason());
    assertEquals(Outcome.DENIED, d.getOutcome());
  }

  @Test
  void aThrowingLivenessCheckDeniesItsBatchAndTheNextEventIsDecided() throws Exception {
    enrolAliceAndBob();
    AtomicInteger calls = new AtomicInteger();
    LivenessCheck flaky =
        new FakeLiveness() {
          @Override
          public List<LivenessVerdict> check(List<RawImage> faces) {
            if (calls.incrementAndGet() == 1) {
              throw new IllegalStateException("liveness model exploded");
            }
            return super.check(faces);
          }
        };
    FrameBatchDecider decider = decider(flaky);
    List<FrameBatchDecider.Verdict> out =
        decider.decide(List.of(face(0, "e0", Faces.left()), face(1, "e1", Faces.left())), 5_000);
    for (FrameBatchDecider.Verdict v : out) {
      assertEquals(Outcome.DENIED, v.decision().getOutcome());
      assertEquals(DecisionReason.MODEL_ERROR, v.decision().getReason());
      assertTrue(v.decision().getDetail().contains("exploded"), v.decision().getDetail());
      assertNotNull(v.deadLetter());
    }
    AccessDecision next =
        decider.decide(List.of(face(2, "next", Faces.left())), 5_000).get(0).decision();
    assertEquals(Outcome.GRANTED, next.getOutcome());
    assertEquals(0.93f, next.getLivenessScore());
  }

  @Test
  void aHungLivenessCheckIsDeniedWithinTheBatchBudget() throws Exception {
    enrolAliceAndBob();
    LivenessCheck hung =
        new FakeLiveness() {
          @Override
          public List<LivenessVerdict> check(List<RawImage> faces) {
            hang();
            return super.check(faces);
          }
        };
    long t0 = System.nanoTime();
    List<FrameBatchDecider.Verdict> out =
        decider(hung).decide(List.of(face(0, "e0", Faces.left())), 5_000);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(ms < BATCH_BUDGET.toMillis() + 500, "the batch took " + ms + " ms");
    assertEquals(DecisionReason.PROCESSING_TIMEOUT, out.get(0).decision().getReason());
    assertEquals(Outcome.DENIED, out.get(0).decision().getOutcome());
  }

  @Test
  void theFaceFoundInAFrameIsWhatLivenessScores() throws Exception {
    enrolAliceAndBob();
    List<FrameBatchDecider.Verdict> out =
        decider(
                pooling,
                real::decode,
                4,
                Faces.frameFinder(FaceFinder.MultipleFaces.LARGEST),
                new FakeLiveness())
            .decide(
                List.of(
                    entry(0, Faces.event("frame", Faces.frame(50), null)),
                    entry(1, Faces.event("no-face", Faces.frame(51), null))),
                5_000);
    AccessDecision d = out.get(0).decision();
    assertEquals(Outcome.GRANTED, d.getOutcome(), d.getReason() + ": " + d.getDetail());
    assertEquals(0.93f, d.getLivenessScore());
    assertEquals(16f, d.getFaceBox().getX());
    assertEquals(DecisionReason.NO_FACE, out.get(1).decision().getReason());
    assertNull(out.get(1).decision().getLivenessScore());
  }
}
