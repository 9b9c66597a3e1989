package io.facegate.processor.topology;

import io.facegate.model.face.FaceFinder;
import io.facegate.model.onnx.Embedder;
import io.facegate.model.preprocess.ImageRejectedException;
import io.facegate.processor.core.embedding.InvalidEmbeddingException;
import io.facegate.processor.core.embedding.Vectors;
import io.facegate.schemas.DeadLetter;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.EnrolledTemplate;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.EnrollmentAction;
import io.facegate.schemas.FaceImage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enrollment commands to templates in the embedding store: ENROLL embeds every image with the
 * loaded model (one inference call) and writes their normalised mean; FORGET writes a tombstone. An
 * enrollment with any unusable image, or that cannot be read, changes nothing and is dead-lettered:
 * a person is never enrolled from partly bad data. Decoding and inference run on the task's {@link
 * BoundedWorkers} within the batch budget of the {@link ProcessingBudget}: an enrollment not done
 * in time is dead-lettered {@code PROCESSING_TIMEOUT} and changes nothing.
 */
final class EnrollmentProcessor implements Processor<String, byte[], String, SpecificRecord> {
  private static final Logger LOG = LoggerFactory.getLogger(EnrollmentProcessor.class);

  /** Enough for a handful of reference photos of the maximum size. */
  static final int MAX_IMAGES = 32;

  private final Deserializer<Enrollment> enrollments;
  private final Embedder embedder;
  private final FaceTensors tensors;
  private final ProcessingObserver observer;
  private final ProcessingBudget budget;
  private ProcessorContext<String, SpecificRecord> ctx;
  private BoundedWorkers workers;

  /** Why an enrollment's images cannot make a template. */
  private static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;
    final DecisionReason reason;

    Rejected(DecisionReason reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }
  }

  EnrollmentProcessor(
      TopologyConfig config,
      Deserializer<Enrollment> enrollments,
      Embedder embedder,
      ProcessingObserver observer,
      FaceFinder finder) {
    this.enrollments = enrollments;
    this.embedder = embedder;
    this.tensors = new FaceTensors(config.imageLimits(), embedder.metadata().input(), finder);
    this.observer = observer;
    this.budget = config.budget();
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.ctx = context;
    if (workers != null) {
      workers.close();
    }
    this.workers =
        new BoundedWorkers(
            "facegate-" + context.taskId() + "-enrollments",
            budget.workers(),
            ProcessingBudget.MAX_OVERDUE_WORKERS,
            observer);
  }

  @Override
  public void close() {
    workers.close();
  }

  @Override
  public void process(Record<String, byte[]> record) {
    byte[] value = record.value();
    Optional<RecordMetadata> meta = ctx.recordMetadata();
    long now = ctx.currentSystemTimeMs();
    BufferedInput in =
        new BufferedInput(
            record.key(),
            null,
            false,
            PayloadHash.sha256Hex(value),
            value == null ? 0 : value.length,
            meta.map(RecordMetadata::topic).orElse("unknown"),
            meta.map(RecordMetadata::partition).orElse(-1),
            meta.map(RecordMetadata::offset).orElse(-1L),
            record.timestamp(),
            now);
    Enrollment e;
    try {
      e = value == null ? null : enrollments.deserialize(in.topic(), value);
      if (e == null) {
        throw new IllegalArgumentException("record has no value");
      }
    } catch (RuntimeException ex) {
      LOG.warn(
          "cannot read {} record at {}-{} offset {}: {}",
          in.topic(),
          in.topic(),
          in.partition(),
          in.offset(),
          ex.toString());
      reject(
          in,
          in.coordinatesId(),
          DecisionReason.UNKNOWN_SCHEMA,
          "cannot deserialise Enrollment: " + ex,
          record.timestamp(),
          now);
      return;
    }
    String id = e.getIdentityId();
    if (id == null || id.isBlank() || (record.key() != null && !record.key().equals(id))) {
      reject(
          in,
          id,
          DecisionReason.OTHER,
          "record key '" + record.key() + "' does not match identityId '" + id + "'",
          record.timestamp(),
          now);
      return;
    }
    if (e.getAction() == EnrollmentAction.FORGET) {
      LOG.info("forgetting {}", id);
      ctx.forward(
          new Record<String, SpecificRecord>(id, null, record.timestamp()),
          FacegateTopology.TEMPLATES_SINK);
      return;
    }
    List<FaceImage> images = e.getImages();
    if (images == null || images.isEmpty() || images.size() > MAX_IMAGES) {
      reject(
          in,
          id,
          DecisionReason.BAD_IMAGE,
          "an enrollment needs 1.."
              + MAX_IMAGES
              + " images, got "
              + (images == null ? 0 : images.size()),
          record.timestamp(),
          now);
      return;
    }
    float[] template;
    try {
      template =
          workers
              .submit(() -> template(images))
              .await(System.nanoTime() + budget.batch().toNanos(), Long.MAX_VALUE);
    } catch (TimeoutException ex) {
      reject(
          in,
          id,
          DecisionReason.PROCESSING_TIMEOUT,
          "decoding and inference exceeded the "
              + budget.batch().toMillis()
              + " ms batch budget: "
              + ex.getMessage(),
          record.timestamp(),
          now);
      return;
    } catch (ExecutionException ex) {
      if (ex.getCause() instanceof Rejected r) {
        reject(in, id, r.reason, r.getMessage(), record.timestamp(), now);
      } else {
        LOG.error("enrollment of {} failed", id, ex.getCause());
        reject(
            in,
            id,
            DecisionReason.INTERNAL_ERROR,
            String.valueOf(ex.getCause()),
            record.timestamp(),
            now);
      }
      return;
    }
    List<Float> values = new ArrayList<>(template.length);
    for (float f : template) {
      values.add(f);
    }
    EnrolledTemplate t =
        EnrolledTemplate.newBuilder()
            .setIdentityId(id)
            .setDisplayName(e.getDisplayName())
            .setEmbedding(values)
            .setEmbeddingDim(template.length)
            .setModelVersion(embedder.metadata().modelVersion())
            .setImageCount(images.size())
            .setUpdatedAt(Instant.ofEpochMilli(now))
            .build();
    LOG.info("enrolled {} from {} images", id, images.size());
    ctx.forward(
        new Record<String, SpecificRecord>(id, t, record.timestamp()),
        FacegateTopology.TEMPLATES_SINK);
  }

  /**
   * The normalised mean embedding of {@code images} (crops, or frames whose face is found as for an
   * event: every image must give one); runs on a worker.
   */
  private float[] template(List<FaceImage> images) throws Rejected {
    int per = tensors.tensorSize();
    List<FaceFinder.Input> inputs = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      try {
        inputs.add(
            new FaceFinder.Input(tensors.decode(images.get(i)), FaceTensors.kind(images.get(i))));
      } catch (ImageRejectedException ex) {
        throw new Rejected(FaceTensors.reasonFor(ex), "image " + i + ": " + ex.getMessage());
      } catch (RuntimeException ex) {
        throw new Rejected(DecisionReason.BAD_IMAGE, "image " + i + ": " + ex);
      }
    }
    List<FaceFinder.Found> found;
    try {
      found = tensors.finder().find(inputs);
    } catch (RuntimeException ex) {
      LOG.error("face finding failed for an enrollment", ex);
      throw new Rejected(DecisionReason.MODEL_ERROR, "face finding failed: " + ex);
    }
    float[] batch = new float[images.size() * per];
    for (int i = 0; i < images.size(); i++) {
      if (found.get(i) instanceof FaceFinder.Rejected r) {
        throw new Rejected(FaceTensors.reasonFor(r.reason()), "image " + i + ": " + r.detail());
      }
      tensors.preprocessor().toTensor(((FaceFinder.Face) found.get(i)).image(), batch, i * per);
    }
    try {
      long t0 = System.nanoTime();
      float[][] embeddings = embedder.embed(batch, images.size());
      observer.batchEmbedded(images.size(), System.nanoTime() - t0);
      return Vectors.normalisedMean(Arrays.asList(embeddings), embedder.metadata().embeddingDim());
    } catch (InvalidEmbeddingException ex) {
      throw new Rejected(DecisionReason.INVALID_TEMPLATE, ex.getMessage());
    } catch (RuntimeException ex) {
      LOG.error("inference failed for an enrollment", ex);
      throw new Rejected(DecisionReason.MODEL_ERROR, "inference failed: " + ex.getMessage());
    }
  }

  private void reject(
      BufferedInput in, String id, DecisionReason reason, String error, long timestamp, long now) {
    LOG.warn(
        "enrollment at {}-{} offset {} rejected: {}",
        in.topic(),
        in.partition(),
        in.offset(),
        error);
    DeadLetter d = DecisionRecords.deadLetter(in, id, reason, error, now);
    ctx.forward(
        new Record<String, SpecificRecord>(id == null ? in.coordinatesId() : id, d, timestamp),
        FacegateTopology.DEAD_LETTERS_SINK);
    observer.deadLettered(reason.name());
  }
}
