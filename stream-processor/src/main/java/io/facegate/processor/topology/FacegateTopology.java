package io.facegate.processor.topology;

import io.facegate.model.face.FaceFinder;
import io.facegate.model.face.FaceStage;
import io.facegate.model.liveness.LivenessCheck;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.Embedder;
import io.facegate.processor.core.embedding.Gallery;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The facegate processing topology, built with the Processor API so that every source, processor,
 * sink and store carries an explicit name (the only internal topic is the batch buffer's changelog,
 * {@code <application.id>-frame-batch-buffer-changelog}).
 *
 * <pre>
 * enrollments ──► enrollment-templater ──► embedding-store (template | tombstone)
 *                                      └─► dead-letters
 * embedding-store ──► gallery-updater (global store gallery-store ──► Gallery)
 * camera-frames ──► frame-batch-decider [frame-batch-buffer] ──► access-decisions (every event)
 *                                                            ├─► access-granted (grants only)
 *                                                            └─► dead-letters
 * </pre>
 */
public final class FacegateTopology {
  public static final String FRAMES_SOURCE = "camera-frames-source";
  public static final String FRAMES_PROCESSOR = "frame-batch-decider";
  public static final String BUFFER_STORE = "frame-batch-buffer";
  public static final String DECISIONS_SINK = "access-decisions-sink";
  public static final String GRANTED_SINK = "access-granted-sink";
  public static final String DEAD_LETTERS_SINK = "dead-letters-sink";
  public static final String ENROLLMENTS_SOURCE = "enrollments-source";
  public static final String ENROLLMENTS_PROCESSOR = "enrollment-templater";
  public static final String TEMPLATES_SINK = "embedding-store-sink";
  public static final String GALLERY_SOURCE = "embedding-store-source";
  public static final String GALLERY_PROCESSOR = "gallery-updater";
  public static final String GALLERY_STORE = "gallery-store";

  private FacegateTopology() {}

  /**
   * Builds the topology. Creates no {@code KafkaStreams} and no configuration.
   *
   * @param gallery the in-memory index the global store keeps up to date; must be of the embedder's
   *     model version and dimension (the caller may read it, e.g. for metrics)
   * @param observer told about events, batches, decisions and dead letters
   */
  public static Topology build(
      TopologyConfig config,
      ProcessorTopics topics,
      Embedder embedder,
      Gallery gallery,
      ProcessingObserver observer) {
    return build(config, topics, embedder, gallery, observer, DecisionSeal.UNSIGNED);
  }

  /**
   * As {@link #build(TopologyConfig, ProcessorTopics, Embedder, Gallery, ProcessingObserver)},
   * sealing (signing) every decision with {@code seal} before it is written.
   */
  public static Topology build(
      TopologyConfig config,
      ProcessorTopics topics,
      Embedder embedder,
      Gallery gallery,
      ProcessingObserver observer,
      DecisionSeal seal) {
    return build(
        config,
        topics,
        embedder,
        gallery,
        observer,
        seal,
        FaceFinder.cropsOnly(FaceStage.WHOLE_IMAGE));
  }

  /**
   * As {@link #build(TopologyConfig, ProcessorTopics, Embedder, Gallery, ProcessingObserver,
   * DecisionSeal)}, finding the model's input face in events and enrollments with {@code finder}
   * (thread-safe, shared by every task; the caller owns its models).
   */
  public static Topology build(
      TopologyConfig config,
      ProcessorTopics topics,
      Embedder embedder,
      Gallery gallery,
      ProcessingObserver observer,
      DecisionSeal seal,
      FaceFinder finder) {
    return build(config, topics, embedder, gallery, observer, seal, finder, LivenessCheck.OFF);
  }

  /**
   * As {@link #build(TopologyConfig, ProcessorTopics, Embedder, Gallery, ProcessingObserver,
   * DecisionSeal, FaceFinder)}, scoring the face of every camera event with {@code liveness} before
   * it is verified (thread-safe, shared by every task; the caller owns it): {@link
   * LivenessCheck#OFF} skips the stage.
   */
  public static Topology build(
      TopologyConfig config,
      ProcessorTopics topics,
      Embedder embedder,
      Gallery gallery,
      ProcessingObserver observer,
      DecisionSeal seal,
      FaceFinder finder,
      LivenessCheck liveness) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(finder, "finder");
    Objects.requireNonNull(liveness, "liveness");
    Objects.requireNonNull(seal, "seal");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(observer, "observer");
    ModelMetadata model = embedder.metadata();
    if (!gallery.modelVersion().equals(model.modelVersion())
        || gallery.dim() != model.embeddingDim()) {
      throw new IllegalArgumentException(
          "gallery is for model "
              + gallery.modelVersion()
              + "/"
              + gallery.dim()
              + ", embedder is "
              + model.modelVersion()
              + "/"
              + model.embeddingDim());
    }
    Topology t = new Topology();

    t.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(GALLERY_STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled(),
        GALLERY_SOURCE,
        topics.embeddingStore().keySerde().deserializer(),
        new ByteArrayDeserializer(),
        topics.embeddingStore().name(),
        GALLERY_PROCESSOR,
        () ->
            new GalleryUpdater(
                topics.embeddingStore().valueSerde().deserializer(),
                topics.embeddingStore().name(),
                gallery,
                observer));

    t.addSource(
        ENROLLMENTS_SOURCE,
        topics.enrollments().keySerde().deserializer(),
        new ByteArrayDeserializer(),
        topics.enrollments().name());
    t.addProcessor(
        ENROLLMENTS_PROCESSOR,
        () ->
            new EnrollmentProcessor(
                config,
                topics.enrollments().valueSerde().deserializer(),
                embedder,
                observer,
                finder),
        ENROLLMENTS_SOURCE);
    t.addSink(
        TEMPLATES_SINK,
        topics.embeddingStore().name(),
        topics.embeddingStore().keySerde().serializer(),
        topics.embeddingStore().valueSerde().serializer(),
        ENROLLMENTS_PROCESSOR);

    t.addSource(
        FRAMES_SOURCE,
        topics.cameraFrames().keySerde().deserializer(),
        new ByteArrayDeserializer(),
        topics.cameraFrames().name());
    t.addProcessor(
        FRAMES_PROCESSOR,
        () ->
            new FrameBatchProcessor(
                config,
                topics.cameraFrames().valueSerde().deserializer(),
                embedder,
                gallery,
                observer,
                seal,
                finder,
                liveness),
        FRAMES_SOURCE);
    // logged (the default): the buffer is part of the exactly-once transaction
    // cached: an event buffered and decided within one commit interval never reaches the
    // changelog (only its tombstone does), which halves what the transaction has to write
    // the changelog copies every kept frame: it must take the largest one (Kafka's default topic
    // limit is about 1 MiB), or a large image would fail the task instead of being decided
    t.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(BUFFER_STORE), Serdes.Long(), Serdes.ByteArray())
            .withCachingEnabled()
            .withLoggingEnabled(
                Map.of(
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                    Integer.toString(TopologyConfig.bufferEntryLimit(config.imageLimits())))),
        FRAMES_PROCESSOR);
    t.addSink(
        DECISIONS_SINK,
        topics.accessDecisions().name(),
        topics.accessDecisions().keySerde().serializer(),
        topics.accessDecisions().valueSerde().serializer(),
        FRAMES_PROCESSOR);
    t.addSink(
        GRANTED_SINK,
        topics.accessGranted().name(),
        topics.accessGranted().keySerde().serializer(),
        topics.accessGranted().valueSerde().serializer(),
        FRAMES_PROCESSOR);
    t.addSink(
        DEAD_LETTERS_SINK,
        topics.deadLetters().name(),
        topics.deadLetters().keySerde().serializer(),
        topics.deadLetters().valueSerde().serializer(),
        FRAMES_PROCESSOR,
        ENROLLMENTS_PROCESSOR);
    return t;
  }
}
