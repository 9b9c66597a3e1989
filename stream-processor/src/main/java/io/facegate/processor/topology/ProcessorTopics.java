package io.facegate.processor.topology;

import io.facegate.platform.topics.FacegateTopics;
import io.facegate.platform.topics.Topic;
import io.facegate.platform.topics.TopicNames;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DeadLetter;
import io.facegate.schemas.EnrolledTemplate;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.registry.SchemaRegistryClient;
import java.util.Objects;

/**
 * The six typed topics the processor reads and writes. Input value serdes are used inside the
 * processors (not by Streams' source nodes), so that a record that cannot be deserialised still
 * yields a decision and a dead letter in input order.
 */
public record ProcessorTopics(
    Topic<String, FaceEvent> cameraFrames,
    Topic<String, Enrollment> enrollments,
    Topic<String, EnrolledTemplate> embeddingStore,
    Topic<String, AccessDecision> accessDecisions,
    Topic<String, AccessDecision> accessGranted,
    Topic<String, DeadLetter> deadLetters) {
  public ProcessorTopics {
    Objects.requireNonNull(cameraFrames, "cameraFrames");
    Objects.requireNonNull(enrollments, "enrollments");
    Objects.requireNonNull(embeddingStore, "embeddingStore");
    Objects.requireNonNull(accessDecisions, "accessDecisions");
    Objects.requireNonNull(accessGranted, "accessGranted");
    Objects.requireNonNull(deadLetters, "deadLetters");
  }

  /** The production topics, as the platform defines them once for every component. */
  public static ProcessorTopics from(FacegateTopics t) {
    return new ProcessorTopics(
        t.cameraFrames(),
        t.enrollments(),
        t.embeddingStore(),
        t.accessDecisions(),
        t.accessGranted(),
        t.deadLetters());
  }

  /**
   * The production topics: String keys, Avro values in the Confluent wire format with schemas from
   * {@code registry} (which stays the caller's to close).
   */
  public static ProcessorTopics of(TopicNames names, SchemaRegistryClient registry) {
    return from(new FacegateTopics(names, registry));
  }
}
