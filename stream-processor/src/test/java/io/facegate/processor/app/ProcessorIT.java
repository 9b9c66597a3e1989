package io.facegate.processor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.Embedder;
import io.facegate.model.onnx.TinyOnnxModel;
import io.facegate.model.preprocess.CraftedImages;
import io.facegate.platform.broker.BrokerSettings;
import io.facegate.platform.broker.EmbeddedKafkaBroker;
import io.facegate.platform.topics.TopicAdmin;
import io.facegate.platform.topics.TopicNames;
import io.facegate.processor.topology.ProcessorTopics;
import io.facegate.processor.topology.TestSerdes;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor on a real (in-process KRaft) broker with exactly-once v2, fed with generated faces
 * ({@link SyntheticFaces}, so it needs no dataset and never skips).
 *
 * <p>Model: {@link TinyOnnxModel}, 46x56 grey input, 2x2 average pool, mean-centred and
 * L2-normalised (a pixel-correlation "embedding"). Threshold 0.45: with templates from images 1-5
 * and probes from images 6-10 of 40 generated people, every genuine probe is within 0.07 and every
 * impostor beyond 1.0 ({@link SyntheticFacesTest} measures it). On real faces this crude model
 * separates far worse ({@link OrlThresholdTest}), which is why a trained network exists; this test
 * is about the pipeline, not the model.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProcessorIT {
  static final float THRESHOLD = 0.45f;
  private static final int ENROLLED = 8;

  /**
   * Small, so that an image over it is still a small record for this test's producer (Kafka's
   * default max.request.size, 1 MiB); LargeFrameIT covers the default 8 MiB limit.
   */
  private static final int MAX_IMAGE_BYTES = 200_000;

  private static final Duration TIMEOUT = Duration.ofSeconds(40);
  private static final Duration BATCH_BUDGET = Duration.ofMillis(1500);
  private static final HangOnFlatFace HANG = new HangOnFlatFace();

  @TempDir static Path tmp;
  private static EmbeddedKafkaBroker broker;
  private static ProcessorApp app;
  private static KafkaProducer<String, byte[]> producer;
  private static KafkaConsumer<String, byte[]> consumer;
  private static final ProcessorTopics TOPICS = TestSerdes.topics();
  private static final TopicNames NAMES = TopicNames.defaults();
  private static final Map<String, AccessDecision> DECISIONS = new LinkedHashMap<>();
  private static final List<AccessDecision> GRANTED = new ArrayList<>();
  private static final List<DeadLetter> DEAD = new ArrayList<>();
  private static final List<ConsumerRecord<String, byte[]>> TEMPLATES = new ArrayList<>();
  private static int duplicateDecisions;

  @BeforeAll
  static void start() throws Exception {
    broker = EmbeddedKafkaBroker.start(BrokerSettings.defaults().withLogDir(tmp.resolve("kafka")));
    Properties admin = broker.clientProperties();
    try (Admin a = Admin.create(admin)) {
      TopicAdmin.createAll(a, NAMES, 2);
    }
    Path modelDir = Files.createDirectories(tmp.resolve("model"));
    TinyOnnxModel.pooling("synthetic-tiny-1", 46, 56, 1, 2, THRESHOLD)
        .centred()
        .write(modelDir.resolve("model.onnx"));
    Map<String, String> cfg =
        TestProcessorSettings.of(
            broker.bootstrapServers(), modelDir, tmp.resolve("state"), "facegate-it");
    cfg.put(ProcessorConfig.BATCH_MAX_SIZE, "8");
    cfg.put(ProcessorConfig.BATCH_MAX_WAIT_MS, "20");
    cfg.put(ProcessorConfig.IMAGE_MAX_BYTES, Integer.toString(MAX_IMAGE_BYTES));
    cfg.put(ProcessorConfig.BUDGET_EVENT_MS, "500");
    cfg.put(ProcessorConfig.BUDGET_BATCH_MS, Long.toString(BATCH_BUDGET.toMillis()));
    app =
        ProcessorApp.start(
            ProcessorConfig.fromMap(cfg), TOPICS, HANG::around, UnaryOperator.identity());

    Properties p = broker.clientProperties();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    Properties c = broker.clientProperties();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(
        List.of(
            NAMES.accessDecisions(),
            NAMES.accessGranted(),
            NAMES.deadLetters(),
            NAMES.embeddingStore()));

    long t0 = System.nanoTime();
    while (!app.ready()) {
      assertTrue(System.nanoTime() - t0 < TIMEOUT.toNanos(), "processor never became ready");
      Thread.sleep(100);
    }
  }

  /**
   * Inference hangs, deaf to interrupts as native code is, on a batch holding a flat (one-grey)
   * face, until released; as a wedged accelerator would.
   */
  private static final class HangOnFlatFace {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger hangs = new AtomicInteger();

    Embedder around(Embedder model) {
      return new Embedder() {
        @Override
        public ModelMetadata metadata() {
          return model.metadata();
        }

        @Override
        public float[][] embed(float[] chw, int batch) {
          int per = chw.length / batch;
          for (int b = 0; b < batch; b++) {
            if (flat(chw, b * per, per)) {
              hang();
            }
          }
          return model.embed(chw, batch);
        }
      };
    }

    private static boolean flat(float[] t, int from, int n) {
      for (int i = from + 1; i < from + n; i++) {
        if (t[i] != t[from]) {
          return false;
        }
      }
      return true;
    }

    private void hang() {
      hangs.incrementAndGet();
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < end) {
        try {
          if (release.await(10, TimeUnit.MILLISECONDS)) {
            return;
          }
        } catch (InterruptedException e) {
          // deaf to interrupts
        }
      }
    }
  }

  @AfterAll
  static void stop() {
    HANG.release.countDown();
    if (consumer != null) {
      consumer.close();
    }
    if (producer != null) {
      producer.close();
    }
    if (app != null) {
      app.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static byte[] faceImage(int person, int image) {
    return SyntheticFaces.pgm(person, image);
  }

  private static FaceImage pgm(byte[] data) {
    return FaceImage.newBuilder()
        .setData(ByteBuffer.wrap(data))
        .setEncoding(ImageEncoding.PGM)
        .build();
  }

  private static FaceEvent event(String id, FaceImage image, String claimed) {
    return FaceEvent.newBuilder()
        .setEventId(id)
        .setCameraId("cam-1")
        .setDoorId("door-1")
        .setCaptureTime(Instant.now())
        .setImage(image)
        .setClaimedIdentity(claimed)
        .setAttributes(Map.of())
        .build();
  }

  private static void send(FaceEvent e) {
    producer.send(
        new ProducerRecord<>(
            NAMES.cameraFrames(),
            e.getDoorId(),
            TOPICS.cameraFrames().valueSerde().serializer().serialize(NAMES.cameraFrames(), e)));
  }

  private static void sendRaw(String key, byte[] value) {
    producer.send(new ProducerRecord<>(NAMES.cameraFrames(), key, value));
  }

  private static void poll() {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
      String topic = r.topic();
      if (topic.equals(NAMES.accessDecisions())) {
        AccessDecision d =
            TOPICS.accessDecisions().valueSerde().deserializer().deserialize(topic, r.value());
        if (DECISIONS.put(d.getEventId(), d) != null) {
          duplicateDecisions++;
        }
      } else if (topic.equals(NAMES.accessGranted())) {
        GRANTED.add(
            TOPICS.accessGranted().valueSerde().deserializer().deserialize(topic, r.value()));
      } else if (topic.equals(NAMES.deadLetters())) {
        DEAD.add(TOPICS.deadLetters().valueSerde().deserializer().deserialize(topic, r.value()));
      } else {
        TEMPLATES.add(r);
      }
    }
  }

  private static void awaitCondition(String what, Predicate<Void> done) {
    long t0 = System.nanoTime();
    while (!done.test(null)) {
      assertTrue(System.nanoTime() - t0 < TIMEOUT.toNanos(), "timed out waiting for " + what);
      poll();
    }
  }

  private static AccessDecision awaitDecision(String eventId) {
    awaitCondition("decision " + eventId, v -> DECISIONS.containsKey(eventId));
    return DECISIONS.get(eventId);
  }

  private static synchronized void enrolPeople() throws Exception {
    if (TEMPLATES.stream().filter(r -> r.value() != null).count() >= ENROLLED) {
      return;
    }
    for (int p = 1; p <= ENROLLED; p++) {
      List<FaceImage> images = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        images.add(pgm(faceImage(p, i)));
      }
      Enrollment e =
          Enrollment.newBuilder()
              .setIdentityId("s" + p)
              .setImages(images)
              .setAction(EnrollmentAction.ENROLL)
              .setRequestedAt(Instant.now())
              .build();
      producer.send(
          new ProducerRecord<>(
              NAMES.enrollments(),
              "s" + p,
              TOPICS.enrollments().valueSerde().serializer().serialize(NAMES.enrollments(), e)));
    }
    producer.flush();
    awaitCondition(
        "templates", v -> TEMPLATES.stream().filter(r -> r.value() != null).count() >= ENROLLED);
    awaitCondition("gallery", v -> app.gallerySize() >= ENROLLED);
  }

  @Test
  @Order(1)
  void grantsOnlyEnrolledPeopleWithinThresholdWithOneDecisionPerEvent() throws Exception {
    enrolPeople();
    for (ConsumerRecord<String, byte[]> r : TEMPLATES) {
      if (r.value() == null) {
        continue;
      }
      EnrolledTemplate t =
          TOPICS.embeddingStore().valueSerde().deserializer().deserialize(r.topic(), r.value());
      assertEquals("synthetic-tiny-1", t.getModelVersion());
      assertEquals(5, t.getImageCount());
    }
    Map<String, String> truth = new LinkedHashMap<>();
    // genuine 1:N probes, strangers 1:N, genuine and impostor 1:1 claims
    for (int p = 1; p <= ENROLLED; p++) {
      for (int i = 6; i <= 8; i++) {
        String id = "gen-s" + p + "-" + i;
        truth.put(id, "s" + p);
        send(event(id, pgm(faceImage(p, i)), null));
      }
      String claim = "claim-s" + p;
      truth.put(claim, "s" + p);
      send(event(claim, pgm(faceImage(p, 9)), "s" + p));
    }
    for (int p = 33; p <= 40; p++) {
      for (int i = 1; i <= 3; i++) {
        String id = "stranger-s" + p + "-" + i;
        truth.put(id, "s" + p);
        send(event(id, pgm(faceImage(p, i)), null));
      }
      String claim = "impostor-s" + p;
      truth.put(claim, "s" + p);
      send(event(claim, pgm(faceImage(p, 4)), "s" + (p - 32)));
    }
    producer.flush();
    awaitCondition("all decisions", v -> truth.keySet().stream().allMatch(DECISIONS::containsKey));

    int genuineGrants = 0;
    int genuine = 0;
    for (Map.Entry<String, String> e : truth.entrySet()) {
      AccessDecision d = DECISIONS.get(e.getKey());
      boolean enrolled = Integer.parseInt(e.getValue().substring(1)) <= ENROLLED;
      boolean impostorClaim = e.getKey().startsWith("impostor");
      if (d.getOutcome() == Outcome.GRANTED) {
        assertTrue(enrolled && !impostorClaim, "granted a stranger or impostor: " + d);
        assertEquals(e.getValue(), d.getMatchedIdentity(), "granted as someone else: " + d);
        assertTrue(d.getDistance() <= THRESHOLD, d.toString());
        genuineGrants++;
      } else {
        assertNotNull(d.getReason());
      }
      if (enrolled && !impostorClaim) {
        genuine++;
      }
    }
    long grantsOnTopic = GRANTED.stream().filter(g -> truth.containsKey(g.getEventId())).count();
    long[] latency =
        truth.keySet().stream()
            .map(DECISIONS::get)
            .mapToLong(d -> d.getDecidedAt().toEpochMilli() - d.getCaptureTime().toEpochMilli())
            .sorted()
            .toArray();
    System.out.printf(
        "processor IT (generated faces): %d events, %d genuine probes, %d granted (%.0f%%), 0 of %d "
            + "stranger/impostor events granted, grants topic %d, duplicates %d; capture-to-"
            + "decision ms p50 %d p95 %d max %d (all sent at once)%n",
        truth.size(),
        genuine,
        genuineGrants,
        100.0 * genuineGrants / genuine,
        truth.size() - genuine,
        grantsOnTopic,
        duplicateDecisions,
        latency[latency.length / 2],
        latency[latency.length * 95 / 100],
        latency[latency.length - 1]);
    // every generated genuine probe is within 0.07 of its template (SyntheticFacesTest)
    assertEquals(genuine, genuineGrants, "every genuine probe is granted");
    assertEquals(genuineGrants, grantsOnTopic, "access-granted holds exactly the grants");
    assertEquals(0, duplicateDecisions, "exactly one decision per event");
  }

  @Test
  @Order(3)
  void forgottenPersonIsDeniedWithinFiveSecondsOfTheTombstone() throws Exception {
    enrolPeople();
    // find a probe of someone that is granted 1:1 now
    String person = null;
    int image = 0;
    for (int p = 1; p <= ENROLLED && person == null; p++) {
      for (int i = 6; i <= 10 && person == null; i++) {
        String id = "pre-forget-s" + p + "-" + i;
        send(event(id, pgm(faceImage(p, i)), "s" + p));
        producer.flush();
        if (awaitDecision(id).getOutcome() == Outcome.GRANTED) {
          person = "s" + p;
          image = i;
        }
      }
    }
    assertNotNull(person, "no genuine probe was granted before forgetting");
    Enrollment forget =
        Enrollment.newBuilder()
            .setIdentityId(person)
            .setAction(EnrollmentAction.FORGET)
            .setImages(List.of())
            .setRequestedAt(Instant.now())
            .build();
    producer.send(
        new ProducerRecord<>(
            NAMES.enrollments(),
            person,
            TOPICS.enrollments().valueSerde().serializer().serialize(NAMES.enrollments(), forget)));
    producer.flush();
    String forgotten = person;
    awaitCondition(
        "tombstone",
        v -> TEMPLATES.stream().anyMatch(r -> r.key().equals(forgotten) && r.value() == null));
    long tombstoneSeen = System.nanoTime();
    AccessDecision d;
    int n = 0;
    do {
      String id = "post-forget-" + n++;
      send(event(id, pgm(faceImage(Integer.parseInt(person.substring(1)), image)), person));
      producer.flush();
      d = awaitDecision(id);
    } while (d.getOutcome() == Outcome.GRANTED
        && System.nanoTime() - tombstoneSeen < Duration.ofSeconds(5).toNanos());
    double seconds = (System.nanoTime() - tombstoneSeen) / 1e9;
    System.out.printf(
        "forget: %s denied %.2f s after the tombstone was visible (%d probes)%n",
        person, seconds, n);
    assertEquals(Outcome.DENIED, d.getOutcome());
    assertEquals(DecisionReason.UNKNOWN_IDENTITY, d.getReason());
    assertTrue(seconds < 5.0, "denied only after " + seconds + " s");
  }

  @Test
  @Order(2)
  void everyBadInputIsDeniedDeadLetteredAndTheNextEventStillDecided() throws Exception {
    enrolPeople();
    Map<String, Object[]> bad = new LinkedHashMap<>();
    bad.put(
        "corrupt",
        new Object[] {
          event(
              "bad-corrupt",
              FaceImage.newBuilder()
                  .setData(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3}))
                  .setEncoding(ImageEncoding.PNG)
                  .build(),
              null),
          DecisionReason.BAD_IMAGE
        });
    bad.put(
        "pixel-bomb",
        new Object[] {
          event(
              "bad-pixels",
              pgm("P5\n100000 100000\n255\n".getBytes(StandardCharsets.US_ASCII)),
              null),
          DecisionReason.IMAGE_TOO_LARGE
        });
    bad.put(
        "wrong-size",
        new Object[] {
          event(
              "bad-size",
              FaceImage.newBuilder()
                  .setData(ByteBuffer.wrap(new byte[1000]))
                  .setEncoding(ImageEncoding.RAW_GRAY8)
                  .setWidth(92)
                  .setHeight(112)
                  .build(),
              null),
          DecisionReason.BAD_IMAGE
        });
    bad.put(
        "oversized",
        new Object[] {
          event(
              "bad-bytes",
              FaceImage.newBuilder()
                  .setData(ByteBuffer.wrap(new byte[MAX_IMAGE_BYTES + 1]))
                  .setEncoding(ImageEncoding.PGM)
                  .build(),
              null),
          DecisionReason.IMAGE_TOO_LARGE
        });
    int k = 0;
    for (Map.Entry<String, Object[]> e : bad.entrySet()) {
      FaceEvent b = (FaceEvent) e.getValue()[0];
      send(b);
      String next = "after-" + e.getKey();
      send(event(next, pgm(faceImage(1, 6)), "s1"));
      producer.flush();
      AccessDecision d = awaitDecision(b.getEventId());
      assertEquals(Outcome.DENIED, d.getOutcome(), e.getKey());
      assertEquals(e.getValue()[1], d.getReason(), e.getKey() + ": " + d.getDetail());
      assertNotNull(awaitDecision(next), "next event after " + e.getKey());
      awaitCondition(
          "dead letter " + b.getEventId(),
          v -> DEAD.stream().anyMatch(l -> b.getEventId().equals(l.getEventId())));
      k++;
    }
    // a value of no known schema: no event id, traced by its source coordinates
    sendRaw("door-x", new byte[] {0, 0, 0, 0, 99, 1, 2, 3});
    send(event("after-unknown-schema", pgm(faceImage(1, 6)), "s1"));
    producer.flush();
    awaitDecision("after-unknown-schema");
    awaitCondition(
        "unknown-schema decision",
        v ->
            DECISIONS.values().stream()
                .anyMatch(
                    d ->
                        d.getReason() == DecisionReason.UNKNOWN_SCHEMA
                            && d.getEventId().startsWith("dlq:" + NAMES.cameraFrames() + "-")));
    awaitCondition(
        "unknown-schema dead letter",
        v ->
            DEAD.stream()
                .anyMatch(l -> l.getReason().equals("UNKNOWN_SCHEMA") && l.getPayloadSize() == 8));
    assertEquals(4, k);
    assertTrue(DEAD.stream().allMatch(l -> l.getPayloadSha256().matches("[0-9a-f]{64}")));
  }

  @Test
  @Order(2)
  void aCraftedImageCorpusIsDecidedOnceNeverGrantedAndTheProcessorLives() throws Exception {
    enrolPeople();
    byte[] jpeg = CraftedImages.progressiveJpeg(CraftedImages.smooth(24, 24));
    Map<String, FaceImage> corpus = new LinkedHashMap<>();
    corpus.put("empty", image(new byte[0], ImageEncoding.JPEG));
    corpus.put("truncated", image(Arrays.copyOf(jpeg, jpeg.length / 2), ImageEncoding.JPEG));
    corpus.put(
        "wrong-magic",
        image(new byte[] {'G', 'I', 'F', '8', '9', 'a', 1, 2, 3}, ImageEncoding.PNG));
    corpus.put(
        "huge-dimensions",
        image(CraftedImages.withJpegSize(jpeg, 60000, 60000), ImageEncoding.JPEG));
    corpus.put(
        "png-bomb", image(CraftedImages.pngWithZeros(4000, 4000, 16_000_000L), ImageEncoding.PNG));
    corpus.put("cmyk", image(CraftedImages.fourComponentJpeg(48, 48), ImageEncoding.JPEG));
    corpus.put("png-16-bit", image(CraftedImages.png16(48, 48, 30000), ImageEncoding.PNG));
    corpus.put("animated-gif", image(CraftedImages.animatedGif(48, 48, 3), ImageEncoding.JPEG));
    byte[] bomb = CraftedImages.repeatLastScan(jpeg, 2000);
    corpus.put("scan-bomb", image(bomb, ImageEncoding.JPEG));
    int before = duplicateDecisions;
    for (Map.Entry<String, FaceImage> e : corpus.entrySet()) {
      // every crafted event claims an enrolled person: a grant would open the door for an impostor
      send(event("crafted-" + e.getKey(), e.getValue(), "s1"));
    }
    send(event("after-corpus", pgm(faceImage(1, 6)), "s1"));
    producer.flush();
    for (String name : corpus.keySet()) {
      AccessDecision d = awaitDecision("crafted-" + name);
      assertEquals(
          Outcome.DENIED, d.getOutcome(), name + ": " + d.getReason() + " " + d.getDetail());
    }
    AccessDecision after = awaitDecision("after-corpus");
    assertEquals(
        Outcome.GRANTED,
        after.getOutcome(),
        "the processor still decides and grants: " + after.getDetail());
    // late duplicates would arrive within a commit interval or two
    Thread.sleep(500);
    poll();
    assertEquals(before, duplicateDecisions, "every event decided exactly once");
    assertTrue(GRANTED.stream().noneMatch(g -> g.getEventId().startsWith("crafted-")));
    System.out.printf(
        "crafted corpus: %d events denied once each (%s); scan bomb %d bytes, %d scans%n",
        corpus.size(), corpus.keySet(), bomb.length, CraftedImages.countSos(bomb));
  }

  private static FaceImage image(byte[] data, ImageEncoding encoding) {
    return FaceImage.newBuilder().setData(ByteBuffer.wrap(data)).setEncoding(encoding).build();
  }

  @Test
  @Order(4)
  void exposesReadinessHealthAndPrometheusMetrics() throws Exception {
    enrolPeople();
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + app.httpPort();
    assertEquals(
        200,
        http.send(
                HttpRequest.newBuilder(URI.create(base + "/ready")).build(),
                HttpResponse.BodyHandlers.ofString())
            .statusCode());
    assertEquals(
        200,
        http.send(
                HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                HttpResponse.BodyHandlers.ofString())
            .statusCode());
    send(event("metrics-probe", pgm(faceImage(2, 6)), null));
    producer.flush();
    awaitDecision("metrics-probe");
    String metrics =
        http.send(
                HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    for (String name :
        new String[] {
          "facegate_events_total",
          "facegate_decisions_total",
          "facegate_decision_latency_seconds_bucket",
          "facegate_inference_latency_seconds_bucket",
          "facegate_batch_size_bucket",
          "facegate_gallery_identities",
          "facegate_workers_overdue"
        }) {
      assertTrue(metrics.contains(name), name + " missing from /metrics");
    }
  }

  @Test
  @Order(5)
  void eventWhoseInferenceHangsIsDeniedInTimeAndTheStreamThreadKeepsGoing() throws Exception {
    enrolPeople();
    int replacedBefore = app.threadsReplaced();
    byte[] grey = new byte[SyntheticFaces.WIDTH * SyntheticFaces.HEIGHT];
    Arrays.fill(grey, (byte) 128);
    FaceImage flat =
        FaceImage.newBuilder()
            .setData(ByteBuffer.wrap(grey))
            .setEncoding(ImageEncoding.RAW_GRAY8)
            .setWidth(SyntheticFaces.WIDTH)
            .setHeight(SyntheticFaces.HEIGHT)
            .build();
    long t0 = System.nanoTime();
    send(event("hung", flat, null));
    send(event("behind-hung", pgm(faceImage(2, 6)), null));
    producer.flush();
    AccessDecision hung = awaitDecision("hung");
    AccessDecision behind = awaitDecision("behind-hung");
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "hung inference: denied %s after %.2f s (batch budget %d ms); the event "
            + "behind it %s %s%n",
        hung.getReason(),
        seconds,
        BATCH_BUDGET.toMillis(),
        behind.getOutcome(),
        behind.getReason());
    assertEquals(1, HANG.hangs.get(), "the model hung");
    assertEquals(Outcome.DENIED, hung.getOutcome());
    assertEquals(DecisionReason.PROCESSING_TIMEOUT, hung.getReason(), hung.getDetail());
    // batched with the hung face it is denied as well; after it, it is decided on its merits
    assertTrue(
        behind.getOutcome() == Outcome.GRANTED
            || behind.getReason() == DecisionReason.PROCESSING_TIMEOUT,
        behind.toString());
    awaitCondition(
        "dead letter of the hung event",
        v ->
            DEAD.stream()
                .anyMatch(
                    l ->
                        l.getEventId().equals("hung")
                            && l.getReason().equals("PROCESSING_TIMEOUT")));

    send(event("after-hung", pgm(faceImage(2, 7)), null));
    producer.flush();
    AccessDecision after = awaitDecision("after-hung");
    assertEquals(Outcome.GRANTED, after.getOutcome(), "a fresh worker decides the next batch");
    assertEquals("s2", after.getMatchedIdentity());
    assertEquals(replacedBefore, app.threadsReplaced(), "no stream thread died or was fenced");
    assertEquals(0, duplicateDecisions, "exactly one decision per event");
    HttpClient http = HttpClient.newHttpClient();
    String metrics =
        http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + app.httpPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertTrue(
        metrics.matches("(?s).*\\nfacegate_workers_overdue(\\{[^}]*\\})? 1\\.0\\n.*"),
        "one overdue worker in /metrics");
  }
}
