package io.facegate.processor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.onnx.TinyOnnxModel;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.platform.broker.BrokerSettings;
import io.facegate.platform.broker.EmbeddedKafkaBroker;
import io.facegate.platform.topics.RecordSizes;
import io.facegate.platform.topics.TopicAdmin;
import io.facegate.platform.topics.TopicNames;
import io.facegate.processor.topology.ProcessorTopics;
import io.facegate.processor.topology.TestSerdes;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.ImageEncoding;
import io.facegate.schemas.Outcome;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Message sizes agree end to end with the processor's default image limit (8 MiB): topics made by
 * {@link TopicAdmin}, the processor as {@link ProcessorConfig} configures it, and a producer sized
 * like facegate's publishers. A 3 MiB image and frames just over the processor's limit each get
 * exactly one decision (the oversized ones DENIED IMAGE_TOO_LARGE) and the stream task keeps
 * running; a frame over the topic's limit is refused to its publisher.
 *
 * <p>The batch wait (2 s) is longer than the commit interval, so the buffered frames are written to
 * the batch-buffer changelog before they are decided: that changelog, and the Streams producer,
 * must take a frame of the maximum size.
 */
class LargeFrameIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(45);
  private static final ProcessorTopics TOPICS = TestSerdes.topics();
  private static final TopicNames NAMES = TopicNames.defaults();

  @TempDir Path tmp;

  /** A valid binary PGM of {@code side x side} grey pixels (a gradient). */
  private static byte[] pgm(int side) {
    byte[] header = ("P5\n" + side + " " + side + "\n255\n").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[header.length + side * side];
    System.arraycopy(header, 0, out, 0, header.length);
    for (int i = 0; i < side * side; i++) {
      out[header.length + i] = (byte) ((i % side) * 255 / side);
    }
    return out;
  }

  private static FaceEvent event(String id, byte[] data) {
    FaceImage image =
        FaceImage.newBuilder()
            .setData(ByteBuffer.wrap(data))
            .setEncoding(ImageEncoding.PGM)
            .build();
    return FaceEvent.newBuilder()
        .setEventId(id)
        .setCameraId("cam-1")
        .setDoorId("door-1")
        .setCaptureTime(Instant.now())
        .setImage(image)
        .setAttributes(Map.of())
        .build();
  }

  private static byte[] bytes(FaceEvent e) {
    return TOPICS.cameraFrames().valueSerde().serializer().serialize(NAMES.cameraFrames(), e);
  }

  @Test
  void largeFramesEachGetExactlyOneDecisionAndTheTaskKeepsRunning() throws Exception {
    int imageLimit = ImageLimits.defaults().maxBytes();
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(BrokerSettings.defaults().withLogDir(tmp.resolve("kafka")))) {
      try (Admin a = Admin.create(broker.clientProperties())) {
        TopicAdmin.createAll(a, NAMES, 1);
      }
      Path modelDir = Files.createDirectories(tmp.resolve("model"));
      TinyOnnxModel.pooling("large-1", 16, 16, 1, 4, 0.5f).write(modelDir.resolve("model.onnx"));
      Map<String, String> cfg =
          TestProcessorSettings.of(
              broker.bootstrapServers(), modelDir, tmp.resolve("state"), "facegate-large-it");
      cfg.put(ProcessorConfig.BATCH_MAX_WAIT_MS, "2000");
      // image limits and message sizes: the defaults, which is the point of this test
      Properties pp = broker.clientProperties();
      pp.put(ProducerConfig.ACKS_CONFIG, "all");
      pp.put(
          ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
          Integer.toString(RecordSizes.MAX_INPUT_RECORD_BYTES));
      // a producer that would send more than the topic takes: the broker must refuse it
      Properties loose = broker.clientProperties();
      loose.put(
          ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
          Integer.toString(2 * RecordSizes.MAX_INPUT_RECORD_BYTES));
      loose.put(ProducerConfig.RETRIES_CONFIG, "0");
      Properties cp = broker.clientProperties();
      cp.put(ConsumerConfig.GROUP_ID_CONFIG, "large-it-reader");
      cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      try (ProcessorApp app = ProcessorApp.start(ProcessorConfig.fromMap(cfg), TOPICS);
          KafkaProducer<String, byte[]> producer =
              new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer());
          KafkaProducer<String, byte[]> tooLoose =
              new KafkaProducer<>(loose, new StringSerializer(), new ByteArraySerializer());
          KafkaConsumer<String, byte[]> consumer =
              new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer())) {
        long t0 = System.nanoTime();
        while (!app.ready()) {
          assertTrue(System.nanoTime() - t0 < TIMEOUT.toNanos(), "processor never became ready");
          Thread.sleep(100);
        }
        consumer.subscribe(List.of(NAMES.accessDecisions()));

        Map<String, byte[]> frames = new LinkedHashMap<>();
        frames.put("pgm-3mib", bytes(event("pgm-3mib", pgm(1800))));
        // one byte over the image limit: kept (the changelog copies 8 MiB), refused by the decoder
        frames.put("image-over-limit", bytes(event("image-over-limit", new byte[imageLimit + 1])));
        // over the limit plus the envelope's room: not even kept, denied unread
        frames.put(
            "record-over-limit",
            bytes(event("record-over-limit", new byte[imageLimit + 200 * 1024])));
        frames.put("small-after", bytes(event("small-after", pgm(64))));
        assertTrue(frames.get("pgm-3mib").length > 3_000_000);
        Map<String, String> eventIds = new HashMap<>();
        for (Map.Entry<String, byte[]> f : frames.entrySet()) {
          RecordMetadata m =
              producer
                  .send(new ProducerRecord<>(NAMES.cameraFrames(), "door-1", f.getValue()))
                  .get();
          // a record denied unread is known by its source coordinates
          eventIds.put(
              f.getKey(),
              f.getKey().equals("record-over-limit")
                  ? "dlq:" + m.topic() + "-" + m.partition() + "-" + m.offset()
                  : f.getKey());
        }
        ExecutionException refused =
            assertThrows(
                ExecutionException.class,
                () ->
                    tooLoose
                        .send(
                            new ProducerRecord<>(
                                NAMES.cameraFrames(),
                                "door-1",
                                new byte[RecordSizes.MAX_INPUT_RECORD_BYTES + 64 * 1024]))
                        .get());
        assertInstanceOf(
            RecordTooLargeException.class,
            refused.getCause(),
            "the topic refuses what it cannot take, at publish time");

        Map<String, Integer> count = new HashMap<>();
        Map<String, AccessDecision> decided = new HashMap<>();
        long t1 = System.nanoTime();
        while (decided.size() < frames.size()) {
          assertTrue(
              System.nanoTime() - t1 < TIMEOUT.toNanos(),
              "decided only "
                  + decided.keySet()
                  + "; streams "
                  + app.state()
                  + ", threads replaced "
                  + app.threadsReplaced());
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            AccessDecision d =
                TOPICS
                    .accessDecisions()
                    .valueSerde()
                    .deserializer()
                    .deserialize(r.topic(), r.value());
            count.merge(d.getEventId(), 1, Integer::sum);
            decided.put(d.getEventId(), d);
          }
        }
        // a little longer, to see any duplicate
        long t2 = System.nanoTime();
        while (System.nanoTime() - t2 < Duration.ofSeconds(3).toNanos()) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            count.merge(
                TOPICS
                    .accessDecisions()
                    .valueSerde()
                    .deserializer()
                    .deserialize(r.topic(), r.value())
                    .getEventId(),
                1,
                Integer::sum);
          }
        }
        System.out.println(
            "LargeFrameIT: "
                + count
                + "; reasons "
                + decided.values().stream().map(d -> d.getEventId() + "=" + d.getReason()).toList()
                + "; streams "
                + app.state()
                + ", threads replaced "
                + app.threadsReplaced());
        assertEquals(Set.copyOf(eventIds.values()), count.keySet());
        count.forEach((id, n) -> assertEquals(1, n, "decisions for " + id));
        for (AccessDecision d : decided.values()) {
          assertEquals(Outcome.DENIED, d.getOutcome(), d.getEventId() + " (nobody is enrolled)");
        }
        assertEquals(DecisionReason.IMAGE_TOO_LARGE, decided.get("image-over-limit").getReason());
        assertEquals(
            DecisionReason.IMAGE_TOO_LARGE,
            decided.get(eventIds.get("record-over-limit")).getReason());
        assertEquals(
            DecisionReason.NO_TEMPLATE,
            decided.get("pgm-3mib").getReason(),
            "the 3 MiB image was decoded and embedded");
        assertEquals(KafkaStreams.State.RUNNING, app.state());
        assertEquals(0, app.threadsReplaced(), "no stream thread died");
      }
    }
  }
}
