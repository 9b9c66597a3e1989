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
 * Creates facegate's topics explicitly, with their partitions and configs; nothing relies on automatic
 * topic creation. Safe to run again: topics that exist are checked, not changed. The replication
 * factor is left to the cluster's {@code default.replication.factor}.
 *
 * <ul>
 * <li>{@code embedding-store}: {@code cleanup.policy=compact} — the latest template per identity is
 *     kept forever, a tombstone forgets a person.</li>
 * <li>{@code camera-frames}: {@code retention.ms} bounded (default {@link #DEFAULT_FRAME_RETENTION}),
 *     because the events hold face images, and {@code max.message.bytes} =
 *     {@link RecordSizes#MAX_INPUT_RECORD_BYTES} so that a large image fits.</li>
 * <li>{@code enrollments}: {@code max.message.bytes} = {@link RecordSizes#MAX_INPUT_RECORD_BYTES}
 *     (an enrolment carries several images).</li>
 * <li>the others: the cluster's defaults.</li>
 * </ul>
 */
public final class TopicAdmin {

    /** How long camera frames (face images) are kept unless configured otherwise. */
    public static final Duration DEFAULT_FRAME_RETENTION = Duration.ofHours(24);

    private static final long TIMEOUT_SECONDS = 30;

    private TopicAdmin() {
    }

    /**
     * Creates all six topics with {@link #DEFAULT_FRAME_RETENTION}.
     *
     * @param admin a connected admin client
     * @param names the topic names
     * @param partitions partitions for each topic (at least 1); existing topics must have at least this many
     * @throws TopicSetupException when a topic cannot be created or exists with too few partitions or
     *                             the wrong cleanup policy
     */
    public static void createAll(Admin admin, TopicNames names, int partitions) {
        createAll(admin, names, partitions, DEFAULT_FRAME_RETENTION);
    }

    /**
     * Creates all six topics.
     *
     * @param admin a connected admin client
     * @param names the topic names
     * @param partitions partitions for each topic (at least 1); existing topics must have at least this many
     * @param frameRetention how long {@code camera-frames} keeps events (positive)
     * @throws TopicSetupException when a topic cannot be created or exists but does not fit
     */
    public static void createAll(Admin admin, TopicNames names, int partitions, Duration frameRetention) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions: must be at least 1, was " + partitions);
        }
        Map<String, Map<String, String>> layout = topicConfigs(names, frameRetention);
        List<NewTopic> newTopics = new ArrayList<>();
        layout.forEach((name, configs) -> newTopics.add(
                new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs)));

        List<String> existing = new ArrayList<>();
        for (Map.Entry<String, KafkaFuture<Void>> created : admin.createTopics(newTopics).values().entrySet()) {
            try {
                await(created.getValue());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new TopicSetupException("cannot create topic " + created.getKey() + ": " + e.getCause().getMessage(), e.getCause());
                }
                existing.add(created.getKey());
            }
        }
        if (!existing.isEmpty()) {
            checkExisting(admin, existing, partitions, layout);
        }
        awaitLeaders(admin, layout.keySet());
    }

    /**
     * Waits until every partition's leader answers, so that a client writing right after
     * {@link #createAll} does not meet a partition whose leadership is still being set up (with
     * Kafka 4.4 an idempotent producer whose first batch met NOT_LEADER_OR_FOLLOWER there was seen
     * retrying OUT_OF_ORDER_SEQUENCE_NUMBER forever). A ListOffsets request goes to the leader and
     * fails until it leads.
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
                            throw new ExecutionException(new LeaderNotAvailableException(d.name() + "-" + p.partition()));
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
        throw new TopicSetupException("partitions of " + topics + " have no working leader after " + TIMEOUT_SECONDS
                + " s: " + (last == null ? "" : last.getCause().getMessage()), last);
    }

    /**
     * The per-topic configs {@link #createAll} sets, for documentation and deployment scripts.
     *
     * @param names the topic names
     * @param frameRetention retention of {@code camera-frames}
     * @return topic name to its non-default configs, in {@link TopicNames#all()} order
     */
    public static Map<String, Map<String, String>> topicConfigs(TopicNames names, Duration frameRetention) {
        if (frameRetention.isNegative() || frameRetention.isZero()) {
            throw new IllegalArgumentException("frameRetention: must be positive, was " + frameRetention);
        }
        Map<String, Map<String, String>> layout = new LinkedHashMap<>();
        for (String name : names.all()) {
            layout.put(name, Map.of());
        }
        String maxRecord = Integer.toString(RecordSizes.MAX_INPUT_RECORD_BYTES);
        layout.put(names.cameraFrames(), Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(frameRetention.toMillis()),
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxRecord));
        layout.put(names.enrollments(), Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxRecord));
        layout.put(names.embeddingStore(), Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        return layout;
    }

    private static void checkExisting(Admin admin, List<String> existing, int partitions, Map<String, Map<String, String>> layout) {
        Map<String, TopicDescription> descriptions;
        try {
            descriptions = await(admin.describeTopics(existing).allTopicNames());
        } catch (ExecutionException e) {
            throw new TopicSetupException("cannot describe existing topics " + existing + ": " + e.getCause().getMessage(), e.getCause());
        }
        for (String name : existing) {
            int actual = descriptions.get(name).partitions().size();
            if (actual < partitions) {
                throw new TopicSetupException("topic " + name + " exists with " + actual + " partition(s), fewer than the "
                        + partitions + " required; add partitions (kafka-topics.sh --alter --partitions " + partitions
                        + ") or delete the topic", null);
            }
            String policy = layout.get(name).get(TopicConfig.CLEANUP_POLICY_CONFIG);
            String maxMessage = layout.get(name).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (policy == null && maxMessage == null) {
                continue;
            }
            Config config = config(admin, name);
            if (policy != null) {
                ConfigEntry entry = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
                String actualPolicy = entry == null ? TopicConfig.CLEANUP_POLICY_DELETE : entry.value();
                if (!actualPolicy.contains(policy)) {
                    throw new TopicSetupException("topic " + name + " exists with cleanup.policy=" + actualPolicy
                            + " but must be " + policy + " (templates would expire); fix the topic config or delete the topic", null);
                }
            }
            ConfigEntry actualMax = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (maxMessage != null && actualMax != null && Long.parseLong(actualMax.value()) < Long.parseLong(maxMessage)) {
                throw new TopicSetupException("topic " + name + " exists with max.message.bytes=" + actualMax.value()
                        + ", less than the " + maxMessage + " facegate's producers may send (large images would be refused);"
                        + " raise it (kafka-configs.sh --alter --entity-type topics --entity-name " + name
                        + " --add-config max.message.bytes=" + maxMessage + ")", null);
            }
        }
    }

    private static Config config(Admin admin, String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            return await(admin.describeConfigs(List.of(resource)).all()).get(resource);
        } catch (ExecutionException e) {
            throw new TopicSetupException("cannot read the config of topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static <T> T await(KafkaFuture<T> future) throws ExecutionException {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicSetupException("interrupted while setting up topics", e);
        } catch (TimeoutException e) {
            throw new TopicSetupException("Kafka did not answer within " + TIMEOUT_SECONDS + " s while setting up topics", e);
        }
    }
}
