package io.facegate.platform.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.LeaderNotAvailableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates facegate's topics explicitly, as {@link TopicCatalogue} lays them out (partitions from
 * the deployment's count, every config); nothing relies on automatic topic creation. Safe to run
 * again: topics that exist are checked, not changed, and refused when they cannot serve (too few
 * partitions, not compacted where the catalogue compacts, a {@code max.message.bytes} below the
 * catalogue's). The replication factor is left to the cluster's {@code default.replication.factor}.
 */
public final class TopicAdmin {

  /** How long camera frames (face images) are kept unless configured otherwise: the catalogue's. */
  public static final Duration DEFAULT_FRAME_RETENTION =
      Duration.ofMillis(
          Long.parseLong(
              TopicCatalogue.CAMERA_FRAMES.configs().get(TopicConfig.RETENTION_MS_CONFIG)));

  private static final long TIMEOUT_SECONDS = 30;

  private TopicAdmin() {}

  /**
   * Creates all six topics with {@link #DEFAULT_FRAME_RETENTION}.
   *
   * @param admin a connected admin client
   * @param names the topic names
   * @param partitions the deployment's partition count (at least 1), see {@link
   *     TopicCatalogue.Partitions}
   * @throws TopicSetupException when a topic cannot be created or exists but does not fit
   */
  public static void createAll(Admin admin, TopicNames names, int partitions) {
    createAll(admin, names, partitions, DEFAULT_FRAME_RETENTION);
  }

  /**
   * Creates all six topics.
   *
   * @param admin a connected admin client
   * @param names the topic names
   * @param partitions the deployment's partition count (at least 1), see {@link
   *     TopicCatalogue.Partitions}; existing topics must have at least as many as the catalogue
   *     gives them
   * @param frameRetention how long {@code camera-frames} keeps events (positive)
   * @throws TopicSetupException when a topic cannot be created or exists but does not fit
   */
  public static void createAll(
      Admin admin, TopicNames names, int partitions, Duration frameRetention) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions: must be at least 1, was " + partitions);
    }
    Map<String, Map<String, String>> layout = topicConfigs(names, frameRetention);
    Map<String, Integer> counts = new HashMap<>();
    List<NewTopic> newTopics = new ArrayList<>();
    for (TopicCatalogue topic : TopicCatalogue.values()) {
      String name = topic.name(names);
      counts.put(name, topic.partitions().of(partitions));
      newTopics.add(
          new NewTopic(name, Optional.of(counts.get(name)), Optional.empty())
              .configs(layout.get(name)));
    }

    List<String> existing = new ArrayList<>();
    for (Map.Entry<String, KafkaFuture<Void>> created :
        admin.createTopics(newTopics).values().entrySet()) {
      try {
        await(created.getValue());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new TopicSetupException(
              "cannot create topic " + created.getKey() + ": " + e.getCause().getMessage(),
              e.getCause());
        }
        existing.add(created.getKey());
      }
    }
    if (!existing.isEmpty()) {
      checkExisting(admin, existing, counts, layout);
    }
    awaitLeaders(admin, layout.keySet());
  }

  /**
   * Waits until every partition's leader answers, so that a client writing right after {@link
   * #createAll} does not meet a partition whose leadership is still being set up (with Kafka 4.4 an
   * idempotent producer whose first batch met NOT_LEADER_OR_FOLLOWER there was seen retrying
   * OUT_OF_ORDER_SEQUENCE_NUMBER forever). A ListOffsets request goes to the leader and fails until
   * it leads.
   */
  private static void awaitLeaders(Admin admin, Collection<String> topics) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (TopicDescription d : await(admin.describeTopics(topics).allTopicNames()).values()) {
          for (TopicPartitionInfo p : d.partitions()) {
            if (p.leader() == null) {
              throw new ExecutionException(
                  new LeaderNotAvailableException(d.name() + "-" + p.partition()));
            }
            request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
          }
        }
        await(admin.listOffsets(request).all());
        return;
      } catch (ExecutionException e) {
        last = e;
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new TopicSetupException("interrupted while waiting for partition leaders", ie);
        }
      }
    }
    throw new TopicSetupException(
        "partitions of "
            + topics
            + " have no working leader after "
            + TIMEOUT_SECONDS
            + " s: "
            + (last == null ? "" : last.getCause().getMessage()),
        last);
  }

  /**
   * The per-topic configs {@link #createAll} sets: {@link TopicCatalogue#configs(Duration)} by
   * name.
   *
   * @param names the topic names
   * @param frameRetention retention of {@code camera-frames}
   * @return topic name to its configs, in {@link TopicNames#all()} order
   */
  public static Map<String, Map<String, String>> topicConfigs(
      TopicNames names, Duration frameRetention) {
    Map<String, Map<String, String>> layout = new LinkedHashMap<>();
    for (TopicCatalogue topic : TopicCatalogue.values()) {
      layout.put(topic.name(names), topic.configs(frameRetention));
    }
    return layout;
  }

  private static void checkExisting(
      Admin admin,
      List<String> existing,
      Map<String, Integer> counts,
      Map<String, Map<String, String>> layout) {
    Map<String, TopicDescription> descriptions;
    try {
      descriptions = await(admin.describeTopics(existing).allTopicNames());
    } catch (ExecutionException e) {
      throw new TopicSetupException(
          "cannot describe existing topics " + existing + ": " + e.getCause().getMessage(),
          e.getCause());
    }
    for (String name : existing) {
      int actual = descriptions.get(name).partitions().size();
      int partitions = counts.get(name);
      if (actual < partitions) {
        throw new TopicSetupException(
            "topic "
                + name
                + " exists with "
                + actual
                + " partition(s), fewer than the "
                + partitions
                + " required; add partitions (kafka-topics.sh --alter --partitions "
                + partitions
                + ") or delete the topic",
            null);
      }
      // only what would break a promise is fatal: erasure needs compaction, large images need room
      boolean compacted =
          TopicConfig.CLEANUP_POLICY_COMPACT.equals(
              layout.get(name).get(TopicConfig.CLEANUP_POLICY_CONFIG));
      String maxMessage = layout.get(name).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      if (!compacted && maxMessage == null) {
        continue;
      }
      Config config = config(admin, name);
      if (compacted) {
        ConfigEntry entry = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        String actualPolicy = entry == null ? TopicConfig.CLEANUP_POLICY_DELETE : entry.value();
        if (!actualPolicy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
          throw new TopicSetupException(
              "topic "
                  + name
                  + " exists with cleanup.policy="
                  + actualPolicy
                  + " but must be compact (a person's superseded and forgotten records must be compacted away);"
                  + " fix the topic config or delete the topic",
              null);
        }
      }
      ConfigEntry actualMax = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      if (maxMessage != null
          && actualMax != null
          && Long.parseLong(actualMax.value()) < Long.parseLong(maxMessage)) {
        throw new TopicSetupException(
            "topic "
                + name
                + " exists with max.message.bytes="
                + actualMax.value()
                + ", less than the "
                + maxMessage
                + " facegate's producers may send (large images would be refused);"
                + " raise it (kafka-configs.sh --alter --entity-type topics --entity-name "
                + name
                + " --add-config max.message.bytes="
                + maxMessage
                + ")",
            null);
      }
    }
  }

  private static Config config(Admin admin, String topic) {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try {
      return await(admin.describeConfigs(List.of(resource)).all()).get(resource);
    } catch (ExecutionException e) {
      throw new TopicSetupException(
          "cannot read the config of topic " + topic + ": " + e.getCause().getMessage(),
          e.getCause());
    }
  }

  private static <T> T await(KafkaFuture<T> future) throws ExecutionException {
    try {
      return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TopicSetupException("interrupted while setting up topics", e);
    } catch (TimeoutException e) {
      throw new TopicSetupException(
          "Kafka did not answer within " + TIMEOUT_SECONDS + " s while setting up topics", e);
    }
  }
}
