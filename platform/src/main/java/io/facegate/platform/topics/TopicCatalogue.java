package io.facegate.platform.topics;

import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DeadLetter;
import io.facegate.schemas.EnrolledTemplate;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.FaceEvent;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * facegate's six topics, laid out once: the configuration key and default of each name, what the
 * keys and values are, how many partitions it gets and its topic configs. {@link TopicAdmin}
 * creates topics from this, {@link TopicNames} takes its defaults from it, {@link FacegateTopics}
 * its value types; {@code deploy/kafka/topics.conf} and the README's topic table and {@code
 * kafka-topics.sh} lines are checked against it by tests in {@code deploy}.
 *
 * <p>Retention is part of biometric data handling (docs/privacy.md): face images live briefly, and
 * the two topics keyed by identity are compacted with hourly segments, so that a FORGET or a
 * tombstone physically removes a person's older records within {@code max.compaction.lag.ms +
 * segment.ms}. Topics that carry images take records of up to {@link
 * RecordSizes#MAX_INPUT_RECORD_BYTES}.
 */
public enum TopicCatalogue {

  /** Camera face events, key door id; bounded retention because they hold face images. */
  CAMERA_FRAMES(
      TopicNames.CAMERA_FRAMES_KEY,
      "camera-frames",
      "door id",
      FaceEvent.class,
      Partitions.DEPLOYMENT,
      configs(
          TopicConfig.CLEANUP_POLICY_DELETE,
          TopicConfig.RETENTION_MS_CONFIG,
          Long.toString(Duration.ofHours(24).toMillis()),
          TopicConfig.SEGMENT_MS_CONFIG,
          Long.toString(Duration.ofHours(1).toMillis()),
          TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
          Integer.toString(RecordSizes.MAX_INPUT_RECORD_BYTES))),
  /**
   * Enrollment commands with their images, key identity id; compacted so a FORGET supersedes them.
   */
  ENROLLMENTS(
      TopicNames.ENROLLMENTS_KEY,
      "enrollments",
      "identity id",
      Enrollment.class,
      Partitions.SMALL,
      compactedByIdentity(true)),
  /** The template store, key identity id; compacted, a tombstone forgets a person. */
  EMBEDDING_STORE(
      TopicNames.EMBEDDING_STORE_KEY,
      "embedding-store",
      "identity id",
      EnrolledTemplate.class,
      Partitions.SMALL,
      compactedByIdentity(false)),
  /** Every decision, one per event, key door id. */
  ACCESS_DECISIONS(
      TopicNames.ACCESS_DECISIONS_KEY,
      "access-decisions",
      "door id",
      AccessDecision.class,
      Partitions.DEPLOYMENT,
      deleteAfter(Duration.ofDays(30))),
  /** The GRANTED decisions only, for door controllers, key door id. */
  ACCESS_GRANTED(
      TopicNames.ACCESS_GRANTED_KEY,
      "access-granted",
      "door id",
      AccessDecision.class,
      Partitions.DEPLOYMENT,
      deleteAfter(Duration.ofDays(7))),
  /**
   * Records that could not be read, with the reason and a hash of their bytes, keyed as the bad
   * record.
   */
  DEAD_LETTERS(
      TopicNames.DEAD_LETTERS_KEY,
      "dead-letters",
      "as the bad record",
      DeadLetter.class,
      Partitions.SMALL,
      deleteAfter(Duration.ofDays(14)));

  /**
   * The partition count of a deployment unless it chooses another ({@code ./facegate broker},
   * topics.conf).
   */
  public static final int DEFAULT_PARTITIONS = 6;

  /** How many partitions a topic gets out of the deployment's count. */
  public enum Partitions {
    /**
     * The deployment's count: {@code camera-frames}' partitions cap the processor instances that
     * can share the work, and the decisions those tasks write follow them.
     */
    DEPLOYMENT,
    /**
     * The deployment's count, at most {@link #SMALL_MAX}: low-volume topics (enrolments, dead
     * letters, and the template store, which every processor instance reads whole).
     */
    SMALL;

    /** Most partitions of a {@link #SMALL} topic. */
    public static final int SMALL_MAX = 3;

    /**
     * @param deployment the deployment's partition count (at least 1)
     * @return this policy's partitions for it
     */
    public int of(int deployment) {
      if (deployment < 1) {
        throw new IllegalArgumentException("partitions: must be at least 1, was " + deployment);
      }
      return this == DEPLOYMENT ? deployment : Math.min(deployment, SMALL_MAX);
    }
  }

  private final String nameKey;
  private final String defaultName;
  private final String keyMeaning;
  private final Class<?> valueType;
  private final Partitions partitions;
  private final Map<String, String> configs;

  TopicCatalogue(
      String nameKey,
      String defaultName,
      String keyMeaning,
      Class<?> valueType,
      Partitions partitions,
      Map<String, String> configs) {
    this.nameKey = nameKey;
    this.defaultName = defaultName;
    this.keyMeaning = keyMeaning;
    this.valueType = valueType;
    this.partitions = partitions;
    this.configs = configs;
  }

  /**
   * @return the configuration key that renames this topic, e.g. {@code topics.camera.frames}
   */
  public String nameKey() {
    return nameKey;
  }

  /**
   * @return the name when not renamed, e.g. {@code camera-frames}
   */
  public String defaultName() {
    return defaultName;
  }

  /**
   * @return what the record key is, for people: {@code door id}, {@code identity id}...
   */
  public String keyMeaning() {
    return keyMeaning;
  }

  /**
   * @return the Avro class of the values (keys are Strings)
   */
  public Class<?> valueType() {
    return valueType;
  }

  /**
   * @return how its partition count follows the deployment's
   */
  public Partitions partitions() {
    return partitions;
  }

  /**
   * @param names the deployment's names
   * @return this topic's name among them
   */
  public String name(TopicNames names) {
    return switch (this) {
      case CAMERA_FRAMES -> names.cameraFrames();
      case ENROLLMENTS -> names.enrollments();
      case EMBEDDING_STORE -> names.embeddingStore();
      case ACCESS_DECISIONS -> names.accessDecisions();
      case ACCESS_GRANTED -> names.accessGranted();
      case DEAD_LETTERS -> names.deadLetters();
    };
  }

  /**
   * @return the topic configs, with the default retention of {@code camera-frames}
   */
  public Map<String, String> configs() {
    return configs;
  }

  /**
   * @param frameRetention how long {@code camera-frames} keeps events (positive); other topics
   *     ignore it
   * @return the topic configs, in a fixed order
   */
  public Map<String, String> configs(Duration frameRetention) {
    if (frameRetention.isNegative() || frameRetention.isZero()) {
      throw new IllegalArgumentException("frameRetention: must be positive, was " + frameRetention);
    }
    if (this != CAMERA_FRAMES) {
      return configs;
    }
    Map<String, String> withRetention = new LinkedHashMap<>(configs);
    withRetention.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(frameRetention.toMillis()));
    return Collections.unmodifiableMap(withRetention);
  }

  private static Map<String, String> compactedByIdentity(boolean carriesImages) {
    String hour = Long.toString(Duration.ofHours(1).toMillis());
    String day = Long.toString(Duration.ofDays(1).toMillis());
    return carriesImages
        ? configs(
            TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.SEGMENT_MS_CONFIG,
            hour,
            TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG,
            day,
            TopicConfig.DELETE_RETENTION_MS_CONFIG,
            day,
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
            Integer.toString(RecordSizes.MAX_INPUT_RECORD_BYTES))
        : configs(
            TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.SEGMENT_MS_CONFIG,
            hour,
            TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG,
            day,
            TopicConfig.DELETE_RETENTION_MS_CONFIG,
            day);
  }

  private static Map<String, String> deleteAfter(Duration retention) {
    return configs(
        TopicConfig.CLEANUP_POLICY_DELETE,
        TopicConfig.RETENTION_MS_CONFIG,
        Long.toString(retention.toMillis()));
  }

  private static Map<String, String> configs(String cleanupPolicy, String... keyValues) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy);
    for (int i = 0; i < keyValues.length; i += 2) {
      out.put(keyValues[i], keyValues[i + 1]);
    }
    return Collections.unmodifiableMap(out);
  }
}
