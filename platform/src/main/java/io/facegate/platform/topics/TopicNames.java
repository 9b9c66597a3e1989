package io.facegate.platform.topics;

import io.facegate.platform.config.InvalidConfigException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names of facegate's six topics. Defaults suit one deployment per cluster; a shared cluster
 * can rename them through configuration ({@link #fromMap(Map)}).
 *
 * @param cameraFrames {@code FaceEvent}s from cameras (key: door id); key {@code
 *     topics.camera.frames}
 * @param enrollments {@code Enrollment} commands (key: identity id); key {@code topics.enrollments}
 * @param embeddingStore compacted {@code EnrolledTemplate}s (key: identity id); key {@code
 *     topics.embedding.store}
 * @param accessDecisions one {@code AccessDecision} per event; key {@code topics.access.decisions}
 * @param accessGranted the GRANTED decisions only, for door controllers; key {@code
 *     topics.access.granted}
 * @param deadLetters {@code DeadLetter}s for input that could not be read; key {@code
 *     topics.dead.letters}
 */
public record TopicNames(
    String cameraFrames,
    String enrollments,
    String embeddingStore,
    String accessDecisions,
    String accessGranted,
    String deadLetters) {

  /** Configuration key of {@link #cameraFrames()}. */
  public static final String CAMERA_FRAMES_KEY = "topics.camera.frames";

  /** Configuration key of {@link #enrollments()}. */
  public static final String ENROLLMENTS_KEY = "topics.enrollments";

  /** Configuration key of {@link #embeddingStore()}. */
  public static final String EMBEDDING_STORE_KEY = "topics.embedding.store";

  /** Configuration key of {@link #accessDecisions()}. */
  public static final String ACCESS_DECISIONS_KEY = "topics.access.decisions";

  /** Configuration key of {@link #accessGranted()}. */
  public static final String ACCESS_GRANTED_KEY = "topics.access.granted";

  /** Configuration key of {@link #deadLetters()}. */
  public static final String DEAD_LETTERS_KEY = "topics.dead.letters";

  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  /** Checks each name is a legal Kafka topic name and that the six are distinct. */
  public TopicNames {
    validateName(CAMERA_FRAMES_KEY, cameraFrames);
    validateName(ENROLLMENTS_KEY, enrollments);
    validateName(EMBEDDING_STORE_KEY, embeddingStore);
    validateName(ACCESS_DECISIONS_KEY, accessDecisions);
    validateName(ACCESS_GRANTED_KEY, accessGranted);
    validateName(DEAD_LETTERS_KEY, deadLetters);
    Set<String> seen = new HashSet<>();
    List<String> keys =
        List.of(
            CAMERA_FRAMES_KEY,
            ENROLLMENTS_KEY,
            EMBEDDING_STORE_KEY,
            ACCESS_DECISIONS_KEY,
            ACCESS_GRANTED_KEY,
            DEAD_LETTERS_KEY);
    List<String> names =
        List.of(
            cameraFrames, enrollments, embeddingStore, accessDecisions, accessGranted, deadLetters);
    for (int i = 0; i < names.size(); i++) {
      if (!seen.add(names.get(i))) {
        throw new InvalidConfigException(
            keys.get(i),
            "topic name '" + names.get(i) + "' is already used by another facegate topic");
      }
    }
  }

  /**
   * @return the {@link TopicCatalogue#defaultName()}s: {@code camera-frames}, {@code enrollments},
   *     ...
   */
  public static TopicNames defaults() {
    return new TopicNames(
        TopicCatalogue.CAMERA_FRAMES.defaultName(),
        TopicCatalogue.ENROLLMENTS.defaultName(),
        TopicCatalogue.EMBEDDING_STORE.defaultName(),
        TopicCatalogue.ACCESS_DECISIONS.defaultName(),
        TopicCatalogue.ACCESS_GRANTED.defaultName(),
        TopicCatalogue.DEAD_LETTERS.defaultName());
  }

  /**
   * Reads the {@code topics.*} keys, falling back to {@link #defaults()} for each missing one.
   *
   * @param config settings, e.g. from {@code ConfigSource.load}
   * @return validated names
   * @throws InvalidConfigException naming the offending key
   */
  public static TopicNames fromMap(Map<String, String> config) {
    return new TopicNames(
        nameOf(TopicCatalogue.CAMERA_FRAMES, config),
        nameOf(TopicCatalogue.ENROLLMENTS, config),
        nameOf(TopicCatalogue.EMBEDDING_STORE, config),
        nameOf(TopicCatalogue.ACCESS_DECISIONS, config),
        nameOf(TopicCatalogue.ACCESS_GRANTED, config),
        nameOf(TopicCatalogue.DEAD_LETTERS, config));
  }

  private static String nameOf(TopicCatalogue topic, Map<String, String> config) {
    return config.getOrDefault(topic.nameKey(), topic.defaultName());
  }

  /**
   * @return the six names, in {@link TopicCatalogue} order
   */
  public List<String> all() {
    return List.of(
        cameraFrames, enrollments, embeddingStore, accessDecisions, accessGranted, deadLetters);
  }

  static void validateName(String key, String name) {
    if (name == null || !LEGAL.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new InvalidConfigException(
          key,
          "'"
              + name
              + "' is not a legal Kafka topic name"
              + " (1-249 characters of a-z, A-Z, 0-9, '.', '_', '-')");
    }
  }
}
