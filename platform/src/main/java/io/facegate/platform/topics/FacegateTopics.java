package io.facegate.platform.topics;

import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DeadLetter;
import io.facegate.schemas.EnrolledTemplate;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.registry.SchemaRegistryClient;
import io.facegate.schemas.serde.AvroSerde;
import java.util.List;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * facegate's six topics ({@link TopicCatalogue}) as typed values: String keys, Avro values in the
 * Confluent wire format through the given schema registry. Producers, consumers and the Streams
 * topology take their names and serdes from here, so they cannot disagree.
 *
 * <p>The registry client stays the caller's to close; the serdes only use it.
 */
public final class FacegateTopics {

  private final TopicNames names;
  private final Topic<String, FaceEvent> cameraFrames;
  private final Topic<String, Enrollment> enrollments;
  private final Topic<String, EnrolledTemplate> embeddingStore;
  private final Topic<String, AccessDecision> accessDecisions;
  private final Topic<String, AccessDecision> accessGranted;
  private final Topic<String, DeadLetter> deadLetters;

  /**
   * @param names the topic names
   * @param registry where value schemas are registered and looked up (subject {@code
   *     <topic>-value})
   */
  public FacegateTopics(TopicNames names, SchemaRegistryClient registry) {
    this.names = Objects.requireNonNull(names, "names");
    Objects.requireNonNull(registry, "registry");
    this.cameraFrames = topic(TopicCatalogue.CAMERA_FRAMES, FaceEvent.class, registry);
    this.enrollments = topic(TopicCatalogue.ENROLLMENTS, Enrollment.class, registry);
    this.embeddingStore = topic(TopicCatalogue.EMBEDDING_STORE, EnrolledTemplate.class, registry);
    this.accessDecisions = topic(TopicCatalogue.ACCESS_DECISIONS, AccessDecision.class, registry);
    this.accessGranted = topic(TopicCatalogue.ACCESS_GRANTED, AccessDecision.class, registry);
    this.deadLetters = topic(TopicCatalogue.DEAD_LETTERS, DeadLetter.class, registry);
  }

  /**
   * The typed topic of one catalogue entry; the class restates the catalogue's value type for the
   * compiler.
   */
  private <V extends SpecificRecord> Topic<String, V> topic(
      TopicCatalogue entry, Class<V> valueType, SchemaRegistryClient registry) {
    if (!entry.valueType().equals(valueType)) {
      throw new IllegalStateException(
          entry
              + " carries "
              + entry.valueType().getSimpleName()
              + ", not "
              + valueType.getSimpleName());
    }
    return new Topic<>(
        entry.name(names), Serdes.String(), AvroSerde.of(valueType, registry, false));
  }

  /**
   * @return the names these topics were built from
   */
  public TopicNames names() {
    return names;
  }

  /**
   * @return camera face events, keyed by door id
   */
  public Topic<String, FaceEvent> cameraFrames() {
    return cameraFrames;
  }

  /**
   * @return enrollment commands, keyed by identity id
   */
  public Topic<String, Enrollment> enrollments() {
    return enrollments;
  }

  /**
   * @return the compacted template store, keyed by identity id (null value = forgotten)
   */
  public Topic<String, EnrolledTemplate> embeddingStore() {
    return embeddingStore;
  }

  /**
   * @return every decision, one per event
   */
  public Topic<String, AccessDecision> accessDecisions() {
    return accessDecisions;
  }

  /**
   * @return the GRANTED decisions only, for door controllers
   */
  public Topic<String, AccessDecision> accessGranted() {
    return accessGranted;
  }

  /**
   * @return records that could not be read, with the reason and a hash of the bytes
   */
  public Topic<String, DeadLetter> deadLetters() {
    return deadLetters;
  }

  /**
   * @return all six, in {@link TopicNames#all()} order
   */
  public List<Topic<String, ?>> all() {
    return List.of(
        cameraFrames, enrollments, embeddingStore, accessDecisions, accessGranted, deadLetters);
  }
}
