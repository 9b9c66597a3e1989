package io.facegate.platform.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.platform.topics.RecordSizes;
import io.facegate.platform.topics.TopicAdmin;
import io.facegate.platform.topics.TopicCatalogue;
import io.facegate.platform.topics.TopicNames;
import io.facegate.platform.topics.TopicSetupException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One broker for the class: a cold start costs seconds. Each test uses its own topics. */
class EmbeddedKafkaBrokerIT {

  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    long begin = System.nanoTime();
    broker = EmbeddedKafkaBroker.start(BrokerSettings.defaults());
    System.out.printf(
        "embedded broker cold start: %d ms%n", (System.nanoTime() - begin) / 1_000_000);
  }

  @AfterAll
  static void closeBroker() {
    if (broker != null) {
      broker.close();
      assertFalse(broker.logDir().toFile().exists(), "owned temp log dir is deleted on close");
    }
  }

  @Test
  void plainClientsRoundTripRecordsThroughTheBroker() throws Exception {
    String topic = "round-trip";
    try (Admin admin = Admin.create(broker.clientProperties())) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
    }
    List<String> sent = produce(topic, 20, "r");

    assertEquals(sent, sortedValues(consumeAll(topic, sent.size(), "read_uncommitted")));
    assertTrue(broker.bootstrapServers().startsWith("127.0.0.1:"), broker.bootstrapServers());
  }

  @Test
  void createsExactlyTheCataloguesPartitionsAndConfigsIdempotently() throws Exception {
    TopicNames names =
        new TopicNames(
            "t-frames", "t-enrollments", "t-store", "t-decisions", "t-granted", "t-dead");
    try (Admin admin = Admin.create(broker.clientProperties())) {
      TopicAdmin.createAll(admin, names, 4, Duration.ofHours(2));
      TopicAdmin.createAll(
          admin, names, 4, Duration.ofHours(2)); // second run checks, changes nothing

      Map<String, TopicDescription> topics =
          admin.describeTopics(names.all()).allTopicNames().get();
      assertEquals(Set.copyOf(names.all()), topics.keySet());
      for (TopicCatalogue entry : TopicCatalogue.values()) {
        String name = entry.name(names);
        assertEquals(
            entry.partitions() == TopicCatalogue.Partitions.DEPLOYMENT ? 4 : 3,
            topics.get(name).partitions().size(),
            name);
        assertEquals(entry.configs(Duration.ofHours(2)), topicLevelConfigs(admin, name), name);
      }
      assertEquals(
          "compact",
          config(admin, "t-enrollments").get("cleanup.policy").value(),
          "enrolment images are erased by compaction after a FORGET");
      assertEquals(
          Long.toString(Duration.ofHours(2).toMillis()),
          config(admin, "t-frames").get("retention.ms").value());
      assertEquals(
          Integer.toString(RecordSizes.MAX_INPUT_RECORD_BYTES),
          config(admin, "t-frames").get("max.message.bytes").value());

      TopicSetupException tooFew =
          assertThrows(TopicSetupException.class, () -> TopicAdmin.createAll(admin, names, 5));
      assertTrue(tooFew.getMessage().contains("fewer than the 5 required"), tooFew.getMessage());
    }
  }

  @Test
  void existingEnrollmentsThatAreNotCompactedAreRefused() throws Exception {
    TopicNames names =
        new TopicNames(
            "w-frames", "w-enrollments", "w-store", "w-decisions", "w-granted", "w-dead");
    try (Admin admin = Admin.create(broker.clientProperties())) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("w-enrollments", 1, (short) 1)
                      .configs(
                          Map.of(
                              "max.message.bytes",
                              Integer.toString(RecordSizes.MAX_INPUT_RECORD_BYTES)))))
          .all()
          .get();

      TopicSetupException e =
          assertThrows(TopicSetupException.class, () -> TopicAdmin.createAll(admin, names, 1));
      assertTrue(
          e.getMessage().contains("w-enrollments") && e.getMessage().contains("must be compact"),
          e.getMessage());
    }
  }

  /** The configs set on the topic itself, not inherited from the broker's defaults. */
  private static Map<String, String> topicLevelConfigs(Admin admin, String topic) throws Exception {
    Map<String, String> out = new HashMap<>();
    for (ConfigEntry e : config(admin, topic).entries()) {
      if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
        out.put(e.name(), e.value());
      }
    }
    return out;
  }

  @Test
  void existingCameraFramesTopicThatRefusesLargeImagesIsRefused() throws Exception {
    TopicNames names =
        new TopicNames(
            "v-frames", "v-enrollments", "v-store", "v-decisions", "v-granted", "v-dead");
    try (Admin admin = Admin.create(broker.clientProperties())) {
      admin.createTopics(List.of(new NewTopic("v-frames", 1, (short) 1))).all().get();

      TopicSetupException e =
          assertThrows(TopicSetupException.class, () -> TopicAdmin.createAll(admin, names, 1));
      assertTrue(
          e.getMessage().contains("v-frames") && e.getMessage().contains("max.message.bytes"),
          e.getMessage());
    }
  }

  @Test
  void existingEmbeddingStoreThatIsNotCompactedIsRefused() throws Exception {
    TopicNames names =
        new TopicNames(
            "u-frames", "u-enrollments", "u-store", "u-decisions", "u-granted", "u-dead");
    try (Admin admin = Admin.create(broker.clientProperties())) {
      admin.createTopics(List.of(new NewTopic("u-store", 1, (short) 1))).all().get();

      TopicSetupException e =
          assertThrows(TopicSetupException.class, () -> TopicAdmin.createAll(admin, names, 1));
      assertTrue(
          e.getMessage().contains("u-store") && e.getMessage().contains("compact"), e.getMessage());
    }
  }

  @Test
  void committedDataSurvivesRestartOnTheSameAddress() throws Exception {
    String topic = "survives-restart";
    try (Admin admin = Admin.create(broker.clientProperties())) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    String before = broker.bootstrapServers();
    List<String> sent = produceTransactionally(topic, 10);

    long begin = System.nanoTime();
    broker.restart();
    System.out.printf(
        "embedded broker warm restart: %d ms%n", (System.nanoTime() - begin) / 1_000_000);

    assertEquals(before, broker.bootstrapServers());
    assertEquals(sent, sortedValues(consumeAll(topic, sent.size(), "read_committed")));
    // and it still takes writes after the restart
    List<String> after = produce(topic, 5, "after");
    assertEquals(
        sent.size() + after.size(),
        consumeAll(topic, sent.size() + after.size(), "read_committed").size());
  }

  @Test
  void clientsOpenAcrossARestartCarryOnWhereTheyWere() throws Exception {
    String topic = "mid-stream";
    try (Admin admin = Admin.create(broker.clientProperties())) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    Properties producerProps = broker.clientProperties();
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
    Properties consumerProps = broker.clientProperties();
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "mid-stream");
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> received = new ArrayList<>();
    try (KafkaProducer<String, String> producer =
            new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());
        KafkaConsumer<String, String> consumer =
            new KafkaConsumer<>(
                consumerProps, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      producer.send(new ProducerRecord<>(topic, "k", "before")).get();
      pollUntil(consumer, received, 1);
      consumer.commitSync();

      broker.restart();

      producer.send(new ProducerRecord<>(topic, "k", "after")).get();
      pollUntil(consumer, received, 2);
    }
    assertEquals(List.of("before", "after"), received);
  }

  private static void pollUntil(
      KafkaConsumer<String, String> consumer, List<String> received, int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (received.size() < count && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(r -> received.add(r.value()));
    }
  }

  private static Config config(Admin admin, String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(resource)).all().get().get(resource);
  }

  private static List<String> produce(String topic, int count, String prefix) throws Exception {
    Properties props = broker.clientProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    List<String> values = new ArrayList<>();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < count; i++) {
        String value = String.format("%s-%03d", prefix, i);
        producer.send(new ProducerRecord<>(topic, "key-" + i, value)).get();
        values.add(value);
      }
    }
    return values;
  }

  private static List<String> produceTransactionally(String topic, int count) {
    Properties props = broker.clientProperties();
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-" + UUID.randomUUID());
    List<String> values = new ArrayList<>();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < count; i++) {
        String value = String.format("tx-%03d", i);
        producer.send(new ProducerRecord<>(topic, "key-" + i, value));
        values.add(value);
      }
      producer.commitTransaction();
    }
    return values;
  }

  private static List<ConsumerRecord<String, String>> consumeAll(
      String topic, int expected, String isolation) {
    Properties props = broker.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  private static List<String> sortedValues(List<ConsumerRecord<String, String>> records) {
    return records.stream().map(ConsumerRecord::value).sorted().toList();
  }
}
