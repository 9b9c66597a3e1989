package io.facegate.processor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.Embedder;
import io.facegate.model.onnx.TinyOnnxModel;
import io.facegate.platform.broker.BrokerSettings;
import io.facegate.platform.broker.EmbeddedKafkaBroker;
import io.facegate.platform.topics.TopicAdmin;
import io.facegate.platform.topics.TopicNames;
import io.facegate.processor.topology.ProcessorTopics;
import io.facegate.processor.topology.TestSerdes;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.EnrollmentAction;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.ImageEncoding;
import io.facegate.schemas.Outcome;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Exactly one decision per event while a stream thread crashes mid-batch (its buffered events and
 * uncommitted decisions must neither vanish nor repeat), a second instance joins, and the first
 * leaves (two rebalances moving the batch-buffer store between instances).
 */
class ExactlyOnceIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final TopicNames NAMES = TopicNames.defaults();
  private static Deserializer<AccessDecision> decisions;

  @TempDir
  Path tmp;

  /** Throws an Error (which no processor catches) on the first frame batch after arming. */
  private static final class CrashOnce implements Embedder {
    final Embedder delegate;
    final AtomicBoolean armed = new AtomicBoolean();
    final AtomicInteger crashes = new AtomicInteger();

    CrashOnce(Embedder delegate) {
      this.delegate = delegate;
    }

    @Override
    public ModelMetadata metadata() {
      return delegate.metadata();
    }

    @Override
    public float[][] embed(float[] chw, int batch) {
      if (armed.compareAndSet(true, false)) {
        crashes.incrementAndGet();
        throw new AssertionError("injected crash of the stream thread");
      }
      return delegate.embed(chw, batch);
    }
  }

  @Test
  void oneDecisionPerEventAcrossThreadCrashAndRebalances() throws Exception {
    Path orl = Path.of(System.getProperty("facegate.datasets", "../shared/datasets"), "orl-faces");
    assumeTrue(Files.isDirectory(orl), "ORL faces not found at " + orl);
    ProcessorTopics topics = TestSerdes.topics();
    decisions = topics.accessDecisions().valueSerde().deserializer();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(
        BrokerSettings.defaults().withLogDir(tmp.resolve("kafka")))) {
      try (Admin a = Admin.create(broker.clientProperties())) {
        TopicAdmin.createAll(a, NAMES, 2);
      }
      Path modelDir = Files.createDirectories(tmp.resolve("model"));
      TinyOnnxModel.pooling("eos-tiny", 46, 56, 1, 2, 0.45f).centred()
          .write(modelDir.resolve("model.onnx"));
      Properties pp = broker.clientProperties();
      pp.put(ProducerConfig.ACKS_CONFIG, "all");
      Properties cp = broker.clientProperties();
      cp.put(ConsumerConfig.GROUP_ID_CONFIG, "eos-reader");
      cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      CrashOnce[] crash = new CrashOnce[1];
      UnaryOperator<Embedder> decorate = e -> crash[0] = new CrashOnce(e);
      try (KafkaProducer<String, byte[]> producer =
               new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer());
           KafkaConsumer<String, byte[]> consumer =
               new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer())) {
        consumer.subscribe(List.of(NAMES.accessDecisions()));
        ProcessorApp first = ProcessorApp.start(config(broker, modelDir, "one"), topics, decorate);
        ProcessorApp second = null;
        try {
          for (int p = 1; p <= 4; p++) {
            List<FaceImage> images = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
              images.add(pgm(orl.resolve("s" + p).resolve(i + ".pgm")));
            }
            Enrollment e = Enrollment.newBuilder().setIdentityId("s" + p).setImages(images)
                .setAction(EnrollmentAction.ENROLL).setRequestedAt(Instant.now()).build();
            producer.send(new ProducerRecord<>(NAMES.enrollments(), "s" + p,
                topics.enrollments().valueSerde().serializer().serialize(NAMES.enrollments(), e)));
          }
          producer.flush();
          long t0 = System.nanoTime();
          while (first.gallerySize() < 4) {
            assertTrue(System.nanoTime() - t0 < TIMEOUT.toNanos(), "enrollment never arrived");
            Thread.sleep(50);
          }

          Map<String, Integer> counts = new HashMap<>();
          int sent = 0;
          crash[0].armed.set(true);
          sent = publish(producer, topics, orl, sent, 40);
          await(consumer, counts, sent);
          assertEquals(1, crash[0].crashes.get(), "the injected crash happened");

          second = ProcessorApp.start(config(broker, modelDir, "two"), topics);
          sent = publish(producer, topics, orl, sent, 40);
          await(consumer, counts, sent);

          first.close();
          first = null;
          sent = publish(producer, topics, orl, sent, 40);
          await(consumer, counts, sent);

          // anything late or repeated would show up now
          long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
          while (System.nanoTime() < end) {
            read(consumer, counts);
          }
          long duplicates = counts.values().stream().filter(c -> c > 1).count();
          System.out.printf("exactly-once IT: %d events, %d decisions, %d duplicated, "
              + "1 thread crash, 2 rebalances%n", sent,
              counts.values().stream().mapToInt(Integer::intValue).sum(), duplicates);
          assertEquals(sent, counts.size(), "every event decided");
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
    Map<String, String> cfg = TestProcessorSettings.of(broker.bootstrapServers(), modelDir,
        tmp.resolve("state-" + instance), "facegate-eos-it");
    cfg.put(ProcessorConfig.BATCH_MAX_SIZE, "8");
    cfg.put(ProcessorConfig.BATCH_MAX_WAIT_MS, "50");
    // the broker's minimum: the dead thread's member is noticed in 6 s, not 45
    cfg.put(ProcessorConfig.SESSION_TIMEOUT_MS, "6000");
    return ProcessorConfig.fromMap(cfg);
  }

  private static FaceImage pgm(Path file) throws Exception {
    return FaceImage.newBuilder().setData(ByteBuffer.wrap(Files.readAllBytes(file)))
        .setEncoding(ImageEncoding.PGM).build();
  }

  private static int publish(KafkaProducer<String, byte[]> producer, ProcessorTopics topics,
      Path orl, int from, int n) throws Exception {
    for (int k = from; k < from + n; k++) {
      int person = 1 + k % 8;
      FaceEvent e = FaceEvent.newBuilder().setEventId("ev-" + k).setCameraId("cam-" + k % 3)
          .setDoorId("door-" + k % 5).setCaptureTime(Instant.now())
          .setImage(pgm(orl.resolve("s" + person).resolve((6 + k % 5) + ".pgm")))
          .setAttributes(Map.of()).build();
      producer.send(new ProducerRecord<>(NAMES.cameraFrames(), e.getDoorId(),
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

  private static void await(KafkaConsumer<String, byte[]> consumer, Map<String, Integer> counts,
      int n) {
    long t0 = System.nanoTime();
    while (counts.size() < n) {
      assertTrue(System.nanoTime() - t0 < TIMEOUT.toNanos(),
          "only " + counts.size() + " of " + n + " events decided");
      read(consumer, counts);
    }
  }
}
