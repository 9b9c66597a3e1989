package io.facegate.cli;

import io.facegate.platform.config.KafkaClientSettings;
import io.facegate.platform.topics.FacegateTopics;
import io.facegate.platform.topics.RecordSizes;
import io.facegate.platform.topics.Topic;
import io.facegate.platform.topics.TopicNames;
import io.facegate.schemas.registry.RegistryConfig;
import io.facegate.schemas.registry.SchemaRegistryClient;
import io.facegate.schemas.registry.SchemaRegistryClients;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The Kafka side of the client subcommands (publish, enroll, tail, replay): settings, the schema
 * registry, typed topics, and producers/consumers configured the one way facegate wants them.
 */
public final class FacegateClients implements AutoCloseable {

  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(15);

  private final KafkaClientSettings kafka;
  private final SchemaRegistryClient registry;
  private final FacegateTopics topics;

  private FacegateClients(
      KafkaClientSettings kafka, SchemaRegistryClient registry, FacegateTopics topics) {
    this.kafka = kafka;
    this.registry = registry;
    this.topics = topics;
  }

  /**
   * Reads and validates the settings (all of them before any network call) and checks, within 15 s,
   * that the broker answers and that the topics exist, so that a user sees "broker unreachable" or
   * "topic missing" instead of a hang.
   *
   * @throws CommandFailedException naming what is wrong
   */
  public static FacegateClients connect(
      Map<String, String> settings, Collection<String> requiredTopics) {
    KafkaClientSettings kafka = KafkaClientSettings.fromMap(settings);
    TopicNames names = TopicNames.fromMap(settings);
    RegistryConfig registryConfig = ClusterOptions.registryConfig(settings);
    checkCluster(kafka, requiredTopics.isEmpty() ? names.all() : List.copyOf(requiredTopics));
    SchemaRegistryClient registry = SchemaRegistryClients.create(registryConfig);
    return new FacegateClients(kafka, registry, new FacegateTopics(names, registry));
  }

  private static void checkCluster(KafkaClientSettings kafka, List<String> required) {
    Properties props = kafka.toProperties();
    props.put("request.timeout.ms", "10000");
    props.put("default.api.timeout.ms", Long.toString(CHECK_TIMEOUT.toMillis()));
    try (Admin admin = Admin.create(props)) {
      Set<String> existing;
      try {
        existing = admin.listTopics().names().get(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        throw new CommandFailedException(
            "broker unreachable at "
                + kafka.bootstrapServers()
                + " (start one with ./facegate broker, or pass --bootstrap HOST:PORT)",
            e);
      }
      List<String> missing = required.stream().filter(t -> !existing.contains(t)).toList();
      if (!missing.isEmpty()) {
        throw new CommandFailedException(
            "topic missing on "
                + kafka.bootstrapServers()
                + ": "
                + String.join(", ", missing)
                + " (./facegate broker creates them; on a real cluster see deploy/kafka)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandFailedException("interrupted while checking the broker", e);
    }
  }

  /**
   * @return the typed topics
   */
  public FacegateTopics topics() {
    return topics;
  }

  /**
   * @return the Kafka connection settings
   */
  public KafkaClientSettings kafka() {
    return kafka;
  }

  /**
   * An idempotent producer for one topic: acks=all, small linger, lz4 compression.
   *
   * @param topic the topic it writes
   */
  public <V> KafkaProducer<String, V> producer(Topic<String, V> topic) {
    Properties props = kafka.toProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // what camera-frames and enrollments accept (TopicAdmin); Kafka's default is 1 MiB
    props.put(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        Integer.toString(RecordSizes.MAX_INPUT_RECORD_BYTES));
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    return new KafkaProducer<>(
        props, topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  /**
   * A group-less consumer of raw bytes that only sees committed transactions (the processor writes
   * with exactly-once); values are decoded by the caller with the topic's serde, so that one
   * consumer can follow several topics.
   */
  public KafkaConsumer<String, byte[]> committedReader() {
    Properties props = kafka.toProperties();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024));
    return new KafkaConsumer<>(
        props,
        new org.apache.kafka.common.serialization.StringDeserializer(),
        new ByteArrayDeserializer());
  }

  @Override
  public void close() {
    try {
      registry.close();
    } catch (Exception e) {
      throw new IllegalStateException("closing the schema registry client failed", e);
    }
  }
}
