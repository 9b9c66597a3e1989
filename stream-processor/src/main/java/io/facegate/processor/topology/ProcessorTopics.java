package io.facegate.processor.topology;

import io.facegate.platform.topics.Topic;
import io.facegate.platform.topics.TopicNames;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DeadLetter;
import io.facegate.schemas.EnrolledTemplate;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.registry.SchemaRegistryClient;
import io.facegate.schemas.serde.AvroSerde;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

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

  /**
   * The production topics: String keys, Avro values in the Confluent wire format with schemas
   * from {@code registry} (which stays the caller's to close).
   */
  public static ProcessorTopics of(TopicNames names, SchemaRegistryClient registry) {
    Serde<String> key = Serdes.String();
    Serde<AccessDecision> decisions = AvroSerde.of(AccessDecision.class, registry, false);
    return new ProcessorTopics(
        new Topic<>(names.cameraFrames(), key, AvroSerde.of(FaceEvent.class, registry, false)),
        new Topic<>(names.enrollments(), key, AvroSerde.of(Enrollment.class, registry, false)),
        new Topic<>(names.embeddingStore(), key,
            AvroSerde.of(EnrolledTemplate.class, registry, false)),
        new Topic<>(names.accessDecisions(), key, decisions),
        new Topic<>(names.accessGranted(), key, decisions),
        new Topic<>(names.deadLetters(), key, AvroSerde.of(DeadLetter.class, registry, false)));
  }
}
