package io.facegate.platform.topics;

import java.util.List;
import java.util.Objects;

import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DeadLetter;
import io.facegate.schemas.EnrolledTemplate;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.registry.SchemaRegistryClient;
import io.facegate.schemas.serde.AvroSerde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * facegate's six topics as typed values, defined once: String keys, Avro values in the Confluent
 * wire format through the given schema registry. Producers, consumers and the Streams topology take
 * their names and serdes from here, so they cannot disagree.
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
     * @param registry where value schemas are registered and looked up (subject {@code <topic>-value})
     */
    public FacegateTopics(TopicNames names, SchemaRegistryClient registry) {
        this.names = Objects.requireNonNull(names, "names");
        Objects.requireNonNull(registry, "registry");
        this.cameraFrames = new Topic<>(names.cameraFrames(), Serdes.String(), AvroSerde.of(FaceEvent.class, registry, false));
        this.enrollments = new Topic<>(names.enrollments(), Serdes.String(), AvroSerde.of(Enrollment.class, registry, false));
        this.embeddingStore = new Topic<>(names.embeddingStore(), Serdes.String(),
                AvroSerde.of(EnrolledTemplate.class, registry, false));
        this.accessDecisions = new Topic<>(names.accessDecisions(), Serdes.String(),
                AvroSerde.of(AccessDecision.class, registry, false));
        this.accessGranted = new Topic<>(names.accessGranted(), Serdes.String(),
                AvroSerde.of(AccessDecision.class, registry, false));
        this.deadLetters = new Topic<>(names.deadLetters(), Serdes.String(), AvroSerde.of(DeadLetter.class, registry, false));
    }

    /** @return the names these topics were built from */
    public TopicNames names() {
        return names;
    }

    /** @return camera face events, keyed by door id */
    public Topic<String, FaceEvent> cameraFrames() {
        return cameraFrames;
    }

    /** @return enrollment commands, keyed by identity id */
    public Topic<String, Enrollment> enrollments() {
        return enrollments;
    }

    /** @return the compacted template store, keyed by identity id (null value = forgotten) */
    public Topic<String, EnrolledTemplate> embeddingStore() {
        return embeddingStore;
    }

    /** @return every decision, one per event */
    public Topic<String, AccessDecision> accessDecisions() {
        return accessDecisions;
    }

    /** @return the GRANTED decisions only, for door controllers */
    public Topic<String, AccessDecision> accessGranted() {
        return accessGranted;
    }

    /** @return records that could not be read, with the reason and a hash of the bytes */
    public Topic<String, DeadLetter> deadLetters() {
        return deadLetters;
    }

    /** @return all six, in {@link TopicNames#all()} order */
    public List<Topic<String, ?>> all() {
        return List.of(cameraFrames, enrollments, embeddingStore, accessDecisions, accessGranted, deadLetters);
    }
}
