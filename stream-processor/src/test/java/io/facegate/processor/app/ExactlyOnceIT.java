package io.facegate.processor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.onnx.TinyOnnxModel;
import io.facegate.platform.broker.BrokerSettings;
import io.facegate.platform.broker.EmbeddedKafkaBroker;
import io.facegate.platform.topics.TopicAdmin;
import io.facegate.platform.topics.TopicNames;
import io.facegate.processor.topology.ProcessingObserver;
import io.facegate.processor.topology.ProcessorTopics;
import io.facegate.processor.topology.TestSerdes;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.EnrollmentAction;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly one decision per event while a stream thread crashes mid-batch, once before anything of
 * the batch is forwarded and once between forwarding decisions and the commit (its buffered events
 * and uncommitted decisions must neither vanish nor repeat), a second instance joins, and the first
 * leaves (two rebalances moving the batch-buffer store between instances). Faces are {@link
 * SyntheticFaces}, so this test needs no dataset.
 */
class ExactlyOnceIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final TopicNames NAMES = TopicNames.defaults();
  private static Deserializer<AccessDecision> decisions;

  @TempDir Path tmp;

  /** Where the armed crash strikes. */
  private enum CrashPoint {
    /** Right after a record is buffered, before its batch is decided: nothing forwarded yet. */
    BEFORE_FORWARD,
    /** Right after a batch's first decision is forwarded, before the transaction commits. */
    AFTER_FORWARD
  }

  /**
   * Throws an Error (which no processor catches) on the stream thread at the armed point, once;
   * reports to the real metrics otherwise.
   */
  private static final class CrashOnce implements ProcessingObserver {
    final ProcessingObserver delegate;
    final AtomicReference<CrashPoint> armed = new AtomicReference<>();
    final Map<CrashPoint, AtomicInteger> crashes =
        new EnumMap<>(
            Map.of(
                CrashPoint.BEFORE_FORWARD, new AtomicInteger(),
                CrashPoint.AFTER_FORWARD, new AtomicInteger()));

    CrashOnce(ProcessingObserver delegate) {
      this.delegate = delegate;
    }

    private void strike(CrashPoint at) {
      if (armed.compareAndSet(at, null)) {
        crashes.get(at).incrementAndGet();
        throw new AssertionError("injected crash of the stream thread " + at);
      }
    }

    @Override
    public void eventBuffered() {
      delegate.eventBuffered();
      strike(CrashPoint.BEFORE_FORWARD);
    }

    @Override
    public void decided(AccessDecision decision) {
      delegate.decided(decision);
      strike(CrashPoint.AFTER_FORWARD);
    }

    @Override
    public void batchEmbedded(int size, long nanos) {
      delegate.batchEmbedded(size, nanos);
    }

    @Override
    public void galleryLoaded(int identities) {
      delegate.galleryLoaded(identities);
    }

    @Override
    public void deadLettered(String reason) {
      delegate.deadLettered(reason);
    }

    @Override
    public void workerOverdue() {
      delegate.workerOverdue();
    }

    @Override
    public void workerReturned() {
      delegate.workerReturned();
    }
  }

  @Test
  void oneDecisionPerEventAcrossThreadCrashesAndRebalances() throws Exception {
    ProcessorTopics topics = TestSerdes.topics();
    decisions = topics.accessDecisions().valueSerde().deserializer();
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(BrokerSettings.defaults().withLogDir(tmp.resolve("kafka")))) {
      try (Admin a = Admin.create(broker.clientProperties())) {
        TopicAdmin.createAll(a, NAMES, 2);
      }
      Path modelDir = Files.createDirectories(tmp.resolve("model"));
      TinyOnnxModel.pooling("eos-tiny", 46, 56, 1, 2, ProcessorIT.THRESHOLD)
          .centred()
          .write(modelDir.resolve("model.onnx"));
      Properties pp = broker.clientProperties();
      pp.put(ProducerConfig.ACKS_CONFIG, "all");
      Properties cp = broker.clientProperties();
      cp.put(ConsumerConfig.GROUP_ID_CONFIG, "eos-reader");
      cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      CrashOnce[] crash = new CrashOnce[1];
      UnaryOperator<ProcessingObserver> observe = o -> crash[0] = new CrashOnce(o);
      try (KafkaProducer<String, byte[]> producer =
              new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer());
          KafkaConsumer<String, byte[]> consumer =
              new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer())) {
        consumer.subscribe(List.of(NAMES.accessDecisions()));
        ProcessorApp first =
            ProcessorApp.start(
                config(broker, modelDir, "one"), topics, UnaryOperator.identity(), observe);
        ProcessorApp second = null;
        try {
          for (int p = 1; p <= 4; p++) {
            List<FaceImage> images = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
              images.add(SyntheticFaces.image(p, i));
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
                    topics
                        .enrollments()
                        .valueSerde()
                        .serializer()
                        .serialize(NAMES.enrollments(), e)));
          }
          producer.flush();
          long t0 = System.nanoTime();
          while (first.gallerySize() < 4) {
            assertTrue(System.nanoTime() - t0 < TIMEOUT.toNanos(), "enrollment never arrived");
            Thread.sleep(50);
          }

          Map<String, Integer> counts = new HashMap<>();
          int sent = 0;
          for (CrashPoint at : CrashPoint.values()) {
            crash[0].armed.set(at);
            sent = publish(producer, topics, sent, 40);
            await(consumer, counts, sent);
            assertEquals(1, crash[0].crashes.get(at).get(), "the injected crash " + at);
          }
          assertEquals(2, first.threadsReplaced(), "both crashes killed a stream thread");

          second = ProcessorApp.start(config(broker, modelDir, "two"), topics);
          sent = publish(producer, topics, sent, 40);
          await(consumer, counts, sent);

          first.close();
          first = null;
          sent = publish(producer, topics, sent, 40);
          await(consumer, counts, sent);

          // anything late or repeated would show up now
          long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
          while (System.nanoTime() < end) {
            read(consumer, counts);
          }
          long duplicates = counts.values().stream().filter(c -> c > 1).count();
          int lost = 0;
          for (int k = 0; k < sent; k++) {
            lost += counts.containsKey("ev-" + k) ? 0 : 1;
          }
          System.out.printf(
              "exactly-once IT: %d events, %d decisions, %d lost, %d duplicated, "
                  + "2 thread crashes (before forward, between forward and commit), 2 rebalances%n",
              sent, counts.values().stream().mapToInt(Integer::intValue).sum(), lost, duplicates);
          assertEquals(0, lost, "every event decided");
          assertEquals(sent, counts.size(), "nothing but the events decided");
          assertEquals(0, duplicates, "no event decided twice");
        } finally {
          if (first != null) {
            first.close();
          }
          if (second != null) {
            second.close();
          }
        }
      }
    }
  }

  private ProcessorConfig config(EmbeddedKafkaBroker broker, Path modelDir, String instance) {
    Map<String, String> cfg =
        TestProcessorSettings.of(
            broker.bootstrapServers(),
            modelDir,
            tmp.resolve("state-" + instance),
            "facegate-eos-it");
    cfg.put(ProcessorConfig.BATCH_MAX_SIZE, "8");
    cfg.put(ProcessorConfig.BATCH_MAX_WAIT_MS, "50");
    // the broker's minimum: the dead thread's member is noticed in 6 s, not 45
    cfg.put(ProcessorConfig.SESSION_TIMEOUT_MS, "6000");
    return ProcessorConfig.fromMap(cfg);
  }

  private static int publish(
      KafkaProducer<String, byte[]> producer, ProcessorTopics topics, int from, int n) {
    for (int k = from; k < from + n; k++) {
      int person = 1 + k % 8;
      FaceEvent e =
          FaceEvent.newBuilder()
              .setEventId("ev-" + k)
              .setCameraId("cam-" + k % 3)
              .setDoorId("door-" + k % 5)
              .setCaptureTime(Instant.now())
              .setImage(SyntheticFaces.image(person, 6 + k % 5))
              .setAttributes(Map.of())
              .build();
      producer.send(
          new ProducerRecord<>(
              NAMES.cameraFrames(),
              e.getDoorId(),
              topics.cameraFrames().valueSerde().serializer().serialize(NAMES.cameraFrames(), e)));
    }
    producer.flush();
    return from + n;
  }

  private static void read(KafkaConsumer<String, byte[]> consumer, Map<String, Integer> counts) {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
      AccessDecision d = decisions.deserialize(r.topic(), r.value());
      counts.merge(d.getEventId(), 1, Integer::sum);
      assertTrue(d.getOutcome() == Outcome.DENIED || d.getDistance() <= d.getThreshold());
    }
  }

  private static void await(
      KafkaConsumer<String, byte[]> consumer, Map<String, Integer> counts, int n) {
    long t0 = System.nanoTime();
    while (counts.size() < n) {
      assertTrue(
          System.nanoTime() - t0 < TIMEOUT.toNanos(),
          "only " + counts.size() + " of " + n + " events decided");
      read(consumer, counts);
    }
  }
}
