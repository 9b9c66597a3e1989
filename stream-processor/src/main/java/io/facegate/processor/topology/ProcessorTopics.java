package io.facegate.processor.topology;

import io.facegate.platform.topics.Topic;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DeadLetter;
import io.facegate.schemas.EnrolledTemplate;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.FaceEvent;
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
}
