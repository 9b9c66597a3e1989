package io.facegate.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.platform.broker.BrokerSettings;
import io.facegate.platform.broker.EmbeddedKafkaBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transport floor on a real (in-process) broker: exactly one committed output record per input
 * event, naming that event's partition and offset, and counts that see loss and duplicates.
 */
@Timeout(180)
class TransportFloorIT {
  private static final int EVENTS = 500;

  @TempDir static Path tmp;
  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.start(new BrokerSettings(tmp.resolve("kafka"), 0, Map.of()));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private static Properties streams() {
    Properties p = broker.clientProperties();
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "50");
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "2");
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    return p;
  }

  /** Sends {@code n} values of 2 KB over 8 keys. */
  private static Runnable send(String topic, int n) {
    return () -> {
      Properties p = broker.clientProperties();
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (int i = 0; i < n; i++) {
          producer.send(
              new ProducerRecord<>(
                  topic, ("door-" + i % 8).getBytes(StandardCharsets.UTF_8), new byte[2048]));
        }
        producer.flush();
      }
    };
  }

  /** Every committed record of {@code topic}, from the start. */
  private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int partitions) {
    Properties p = broker.clientProperties();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        tps.add(new TopicPartition(topic, i));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(100)).forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void forwardsExactlyOneRecordNamingEachInputEvent() throws Exception {
    TransportFloor.Run run;
    try (TransportFloor floor =
        TransportFloor.start(
            streams(),
            broker.clientProperties(),
            "in-a",
            "out-a",
            2,
            tmp.resolve("state-a").toString())) {
      run = floor.load(send("in-a", EVENTS), Duration.ofSeconds(30));
    }
    assertEquals(new TransportFloor.Run(EVENTS, EVENTS, 0, 0, run.eventsPerSecond()), run);
    assertTrue(run.eventsPerSecond() > 0, run.toString());

    // the output itself: one small record per input record, naming each input offset once
    Map<Integer, Long> inputEnds = new HashMap<>();
    readAll("in-a", 2).forEach(r -> inputEnds.merge(r.partition(), 1L, Long::sum));
    List<ConsumerRecord<byte[], byte[]>> out = readAll("out-a", 2);
    assertEquals(EVENTS, out.size());
    Set<String> coordinates = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : out) {
      assertEquals(12, r.value().length);
      ByteBuffer v = ByteBuffer.wrap(r.value());
      int partition = v.getInt();
      long offset = v.getLong();
      assertTrue(offset >= 0 && offset < inputEnds.get(partition), partition + "-" + offset);
      assertTrue(coordinates.add(partition + "-" + offset), "twice: " + partition + "-" + offset);
    }
  }

  @Test
  void countsEventsThatGotNoRecordAndRecordsBeyondTheFirst() throws Exception {
    TransportFloor floor =
        TransportFloor.start(
            streams(),
            broker.clientProperties(),
            "in-b",
            "out-b",
            2,
            tmp.resolve("state-b").toString());
    floor.close(); // nothing forwards the next events any more
    Properties p = broker.clientProperties();
    TransportFloor.Run run =
        floor.load(
            () -> {
              send("in-b", 20).run();
              // a stray output record naming the first input event twice: one forwarded, one
              // duplicate
              try (KafkaProducer<byte[], byte[]> producer =
                  new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 2; i++) {
                  producer.send(
                      new ProducerRecord<>(
                          "out-b", 0, null, ByteBuffer.allocate(12).putInt(0).putLong(0).array()));
                }
                producer.flush();
              }
            },
            Duration.ofSeconds(2));
    assertEquals(20, run.events());
    assertEquals(1, run.forwarded());
    assertEquals(19, run.lost());
    assertEquals(1, run.duplicated());
  }
}
