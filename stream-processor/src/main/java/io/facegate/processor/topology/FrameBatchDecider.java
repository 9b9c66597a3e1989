package io.facegate.processor.topology;

import io.facegate.model.face.FaceBox;
import io.facegate.model.face.FaceFinder;
import io.facegate.model.liveness.LivenessCheck;
import io.facegate.model.liveness.LivenessVerdict;
import io.facegate.model.onnx.Embedder;
import io.facegate.model.onnx.InferenceException;
import io.facegate.model.preprocess.ImageRejectedException;
import io.facegate.model.preprocess.PreprocessSpec;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.model.preprocess.RawImage;
import io.facegate.processor.core.embedding.Gallery;
import io.facegate.processor.core.policy.AccessPolicy;
import io.facegate.processor.core.policy.Decision;
import io.facegate.processor.core.policy.Reason;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DeadLetter;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.FaceRegion;
import io.facegate.schemas.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides for a batch of buffered camera-frames records: exactly one sealed decision per entry, in
 * input order, and a dead letter for each that could not be decided on its merits. It reads no
 * store and forwards nothing; {@link FrameBatchProcessor} does that around it.
 *
 * <p>Nothing an entry holds can make it throw or wait unboundedly: an unreadable buffer entry, an
 * unreadable record, a bad image, a failing or slow model and a failing seal each end in a DENIED
 * decision. Decoding (per event), face finding and pre-processing (one {@link FaceFinder} call per
 * batch: the detector runs once over all frames) and inference run on {@link BoundedWorkers} under
 * the {@link ProcessingBudget}: an event whose work is not done in time is denied {@code
 * PROCESSING_TIMEOUT}, and the events after it are decided as usual. A frame without a usable face
 * is denied with the finder's reason (a decision, not a dead letter). With a {@link LivenessCheck}
 * other than {@link LivenessCheck#OFF}, the found faces are scored in one call per batch on a
 * worker, within the same batch budget, before inference: a face below the threshold is denied
 * {@code SPOOF_SUSPECTED} with its score; a failing check, or a score that is not a number in [0,
 * 1], denies the faces it was asked about {@code MODEL_ERROR} (fail closed).
 */
final class FrameBatchDecider {
  private static final Logger LOG = LoggerFactory.getLogger(FrameBatchDecider.class);

  /** What to publish for one buffer entry. */
  record Verdict(AccessDecision decision, DeadLetter deadLetter, long timestamp) {
    boolean granted() {
      return decision.getOutcome() == Outcome.GRANTED;
    }
  }

  private final Deserializer<FaceEvent> events;
  private final Embedder embedder;
  private final Gallery gallery;
  private final AccessPolicy policy;
  private final ImageStage images;
  private final FaceFinder finder;
  private final LivenessCheck liveness;
  private final Preprocessor preprocessor;
  private final int tensorSize;
  private final ProcessingObserver observer;
  private final DecisionSeal seal;
  private final BoundedWorkers workers;
  private final String modelVersion;
  private final float threshold;
  private final long eventBudgetNanos;
  private final long batchBudgetNanos;
  private final long eventBudgetMs;
  private final long batchBudgetMs;

  /** Decodes one image: {@link FaceTensors#decode}, or a stand-in in tests. */
  @FunctionalInterface
  interface ImageStage {
    /** The decoded pixels of {@code image}. */
    RawImage decode(FaceImage image) throws ImageRejectedException;
  }

  /**
   * @param workers where decoding, face finding, pre-processing and inference run; stays the
   *     caller's to close
   * @param tensors the decoder, face finder and pre-processor (none keeps per-call state: the
   *     workers share them)
   * @param liveness scores the found faces; {@link LivenessCheck#OFF} skips the stage
   */
  FrameBatchDecider(
      TopologyConfig config,
      Deserializer<FaceEvent> events,
      Embedder embedder,
      Gallery gallery,
      ProcessingObserver observer,
      DecisionSeal seal,
      BoundedWorkers workers,
      FaceTensors tensors,
      LivenessCheck liveness) {
    this(
        config,
        events,
        embedder,
        gallery,
        observer,
        seal,
        workers,
        tensors::decode,
        tensors.finder(),
        liveness);
  }

  /** Without the liveness stage. */
  FrameBatchDecider(
      TopologyConfig config,
      Deserializer<FaceEvent> events,
      Embedder embedder,
      Gallery gallery,
      ProcessingObserver observer,
      DecisionSeal seal,
      BoundedWorkers workers,
      ImageStage images,
      FaceFinder finder) {
    this(
        config,
        events,
        embedder,
        gallery,
        observer,
        seal,
        workers,
        images,
        finder,
        LivenessCheck.OFF);
  }

  FrameBatchDecider(
      TopologyConfig config,
      Deserializer<FaceEvent> events,
      Embedder embedder,
      Gallery gallery,
      ProcessingObserver observer,
      DecisionSeal seal,
      BoundedWorkers workers,
      ImageStage images,
      FaceFinder finder,
      LivenessCheck liveness) {
    this.liveness = Objects.requireNonNull(liveness, "liveness");
    this.events = events;
    this.embedder = embedder;
    this.gallery = gallery;
    this.policy = new AccessPolicy(config.policy());
    this.images = images;
    this.finder = finder;
    PreprocessSpec spec = embedder.metadata().input();
    this.preprocessor = new Preprocessor(spec);
    this.tensorSize = spec.channels() * spec.height() * spec.width();
    this.observer = observer;
    this.seal = seal;
    this.workers = workers;
    this.modelVersion = embedder.metadata().modelVersion();
    this.threshold = config.policy().threshold();
    this.eventBudgetNanos = config.budget().event().toNanos();
    this.batchBudgetNanos = config.budget().batch().toNanos();
    this.eventBudgetMs = config.budget().event().toMillis();
    this.batchBudgetMs = config.budget().batch().toMillis();
  }

  /** One entry on its way to a decision. */
  private static final class Slot {
    BufferedInput in;
    FaceEvent event;
    BoundedWorkers.Job<RawImage> preparing;
    RawImage decoded;
    FaceBox box;
    RawImage face;
    Float livenessScore;
    float[] tensor;
    AccessDecision decision;
    DeadLetter dead;

    boolean decided() {
      return decision != null;
    }
  }

  /**
   * Decides for {@code entries} (batch-buffer sequence number and encoded {@link BufferedInput}).
   *
   * @param now the wall-clock time the decisions carry, in epoch milliseconds
   * @return one verdict per entry, in the same order
   */
  List<Verdict> decide(List<KeyValue<Long, byte[]>> entries, long now) {
    long deadline = System.nanoTime() + batchBudgetNanos;
    int n = entries.size();
    Slot[] slots = new Slot[n];
    for (int i = 0; i < n; i++) {
      slots[i] = read(entries.get(i), now);
    }
    for (Slot s : slots) {
      if (!s.decided()) {
        FaceEvent e = s.event;
        s.preparing = workers.submit(() -> images.decode(e.getImage()));
      }
    }
    for (Slot s : slots) {
      if (s.preparing != null) {
        prepared(s, deadline, now);
      }
    }
    findFaces(slots, deadline, now);
    checkLiveness(slots, deadline, now);
    embedAndDecide(slots, deadline, now);
    List<Verdict> out = new ArrayList<>(n);
    for (Slot s : slots) {
      out.add(new Verdict(sealed(s.decision), s.dead, s.in.timestamp()));
    }
    return out;
  }

  /** The entry and its event; a slot already decided if either cannot be read. */
  private Slot read(KeyValue<Long, byte[]> entry, long now) {
    Slot s = new Slot();
    try {
      s.in = BufferedInput.decode(entry.value);
    } catch (RuntimeException e) {
      // our own store holds garbage: nothing to tell the camera's event apart, so it is denied
      // under the entry's place in the buffer
      s.in = BufferedInput.unreadable(entry.key, entry.value, now);
      LOG.error(
          "batch-buffer entry {} is unreadable ({} bytes); denying it", entry.key, s.in.size(), e);
      fail(s, DecisionReason.INTERNAL_ERROR, "batch-buffer entry unreadable: " + e, now);
      return s;
    }
    BufferedInput in = s.in;
    if (in.oversized()) {
      fail(
          s,
          DecisionReason.IMAGE_TOO_LARGE,
          "record of " + in.size() + " bytes exceeds the image byte limit",
          now);
      return s;
    }
    try {
      s.event = in.value() == null ? null : events.deserialize(in.topic(), in.value());
      if (s.event == null) {
        throw new IllegalArgumentException("record has no value");
      }
    } catch (RuntimeException ex) {
      LOG.warn(
          "cannot read {} record at {}-{} offset {} ({} bytes): {}",
          in.topic(),
          in.topic(),
          in.partition(),
          in.offset(),
          in.size(),
          ex.toString());
      fail(s, DecisionReason.UNKNOWN_SCHEMA, "cannot deserialise FaceEvent: " + ex, now);
    }
    return s;
  }

  private void prepared(Slot s, long deadline, long now) {
    try {
      s.decoded = s.preparing.await(deadline, eventBudgetNanos);
      if (s.decoded == null) {
        throw new ExecutionException(new IllegalStateException("decoder returned no image"));
      }
    } catch (TimeoutException e) {
      LOG.warn(
          "event {} at {}-{} offset {}: decoding over budget ({}); denying it",
          s.event.getEventId(),
          s.in.topic(),
          s.in.partition(),
          s.in.offset(),
          e.getMessage());
      fail(
          s,
          DecisionReason.PROCESSING_TIMEOUT,
          "decoding exceeded the "
              + eventBudgetMs
              + " ms event budget or the "
              + batchBudgetMs
              + " ms batch budget: "
              + e.getMessage(),
          now);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ImageRejectedException rejected) {
        fail(s, FaceTensors.reasonFor(rejected), rejected.getMessage(), now);
      } else {
        fail(s, DecisionReason.BAD_IMAGE, "decoding failed: " + cause, now);
      }
    }
  }

  /**
   * One {@link FaceFinder} call for every decoded event (the detector runs once over the batch's
   * frames), then the model's pre-processing of each face, on a worker within the batch budget.
   */
  private void findFaces(Slot[] slots, long deadline, long now) {
    List<Slot> ready = new ArrayList<>();
    List<FaceFinder.Input> inputs = new ArrayList<>();
    for (Slot s : slots) {
      if (!s.decided()) {
        ready.add(s);
        inputs.add(new FaceFinder.Input(s.decoded, FaceTensors.kind(s.event.getImage())));
        s.decoded = null;
      }
    }
    if (ready.isEmpty()) {
      return;
    }
    List<Object> found =
        onWorkers(
            "face finding",
            ready,
            () -> {
              List<FaceFinder.Found> faces = finder.find(inputs);
              if (faces == null || faces.size() != inputs.size()) {
                throw new IllegalStateException(
                    "face finder returned "
                        + (faces == null ? "nothing" : faces.size() + " answers")
                        + " for "
                        + inputs.size()
                        + " images");
              }
              List<Object> out = new ArrayList<>(faces.size());
              for (FaceFinder.Found f : faces) {
                if (f instanceof FaceFinder.Face face) {
                  out.add(
                      new Prepared(preprocessor.toTensor(face.image()), face.image(), face.box()));
                } else {
                  out.add(f);
                }
              }
              return out;
            },
            deadline,
            now);
    if (found == null) {
      return;
    }
    for (int j = 0; j < ready.size(); j++) {
      Slot s = ready.get(j);
      if (found.get(j) instanceof Prepared p) {
        s.tensor = p.tensor();
        s.face = p.face();
        s.box = p.box();
      } else {
        FaceFinder.Rejected r = (FaceFinder.Rejected) found.get(j);
        if (r.reason() == FaceFinder.Rejection.NO_DETECTOR) {
          // a deployment fault, not the camera's: someone has to look at it
          fail(s, FaceTensors.reasonFor(r.reason()), r.detail(), now);
        } else {
          s.decision =
              DecisionRecords.denied(
                  s.event,
                  s.in,
                  FaceTensors.reasonFor(r.reason()),
                  r.detail(),
                  threshold,
                  modelVersion,
                  now);
        }
        s.box = r.box();
        withFace(s);
      }
    }
  }

  /** A face ready for the model, the image it came from and its box (null for a crop). */
  private record Prepared(float[] tensor, RawImage face, FaceBox box) {}

  /** Puts the slot's face box, detection score and liveness score on its decision. */
  private static void withFace(Slot s) {
    if (s.decision == null) {
      return;
    }
    if (s.box != null) {
      s.decision.setFaceBox(
          new FaceRegion(
              (float) s.box.x(), (float) s.box.y(), (float) s.box.width(), (float) s.box.height()));
      s.decision.setDetectionScore((float) s.box.score());
    }
    s.decision.setLivenessScore(s.livenessScore);
  }

  /**
   * Scores every found face with the liveness check, one call for the batch on a worker within the
   * batch budget; denies the faces that are not live, and fails closed on anything else.
   */
  private void checkLiveness(Slot[] slots, long deadline, long now) {
    List<Slot> ready = new ArrayList<>();
    List<RawImage> faces = new ArrayList<>();
    for (Slot s : slots) {
      if (!s.decided()) {
        ready.add(s);
        faces.add(s.face);
      }
      s.face = null;
    }
    if (ready.isEmpty() || liveness == LivenessCheck.OFF) {
      return;
    }
    List<LivenessVerdict> verdicts =
        onWorkers(
            "liveness check",
            ready,
            () -> {
              List<LivenessVerdict> out = liveness.check(faces);
              if (out == null || out.size() != faces.size()) {
                throw new IllegalStateException(
                    "liveness check returned "
                        + (out == null ? "nothing" : out.size() + " verdicts")
                        + " for "
                        + faces.size()
                        + " faces");
              }
              return out;
            },
            deadline,
            now);
    if (verdicts == null) {
      ready.forEach(FrameBatchDecider::withFace);
      return;
    }
    for (int j = 0; j < ready.size(); j++) {
      Slot s = ready.get(j);
      LivenessVerdict v = verdicts.get(j);
      if (v == null || !v.checked() || !(v.score() >= 0f && v.score() <= 1f)) {
        // a model that answers without a usable score is broken: someone has to look at it
        fail(
            s,
            DecisionReason.MODEL_ERROR,
            "liveness check gave no score in [0, 1] ("
                + (v == null ? "no verdict" : v.checked() ? "score " + v.score() : "not checked")
                + ")",
            now);
      } else {
        s.livenessScore = v.score();
        if (!v.live()) {
          s.decision =
              DecisionRecords.denied(
                  s.event,
                  s.in,
                  DecisionReason.SPOOF_SUSPECTED,
                  String.format(
                      Locale.ROOT,
                      "live score %.3f does not pass %s",
                      v.score(),
                      liveness.describe()),
                  threshold,
                  modelVersion,
                  now);
        }
      }
      if (s.decided()) {
        withFace(s);
      }
    }
  }

  private void embedAndDecide(Slot[] slots, long deadline, long now) {
    List<Slot> ready = new ArrayList<>();
    for (Slot s : slots) {
      if (!s.decided()) {
        ready.add(s);
      }
    }
    int k = ready.size();
    if (k == 0) {
      return;
    }
    int per = tensorSize;
    float[] batch = new float[k * per];
    for (int j = 0; j < k; j++) {
      System.arraycopy(ready.get(j).tensor, 0, batch, j * per, per);
    }
    float[][] embeddings =
        onWorkers(
            "inference",
            ready,
            () -> {
              long t0 = System.nanoTime();
              float[][] out = embedder.embed(batch, k);
              if (out == null || out.length != k) {
                throw new InferenceException(
                    "model returned "
                        + (out == null ? "nothing" : out.length + " embeddings")
                        + " for a batch of "
                        + k);
              }
              observer.batchEmbedded(k, System.nanoTime() - t0);
              return out;
            },
            deadline,
            now);
    if (embeddings == null) {
      return;
    }
    for (int j = 0; j < k; j++) {
      decideByPolicy(ready.get(j), embeddings[j], now);
    }
  }

  private void decideByPolicy(Slot s, float[] embedding, long now) {
    FaceEvent e = s.event;
    try {
      Decision d = policy.decide(embedding, Optional.ofNullable(e.getClaimedIdentity()), gallery);
      s.decision = DecisionRecords.fromPolicy(e, d, modelVersion, s.in, now);
      withFace(s);
      if (d.reason() == Reason.INVALID_PROBE || d.reason() == Reason.INVALID_TEMPLATE) {
        // broken data, not a plain denial: someone has to look at it
        s.dead =
            DecisionRecords.deadLetter(
                s.in,
                e.getEventId(),
                DecisionRecords.toAvro(d.reason()),
                d.detail().orElse(d.reason().name()),
                now);
      }
    } catch (RuntimeException ex) {
      LOG.error("policy failed for event {}; denying", e.getEventId(), ex);
      fail(s, DecisionReason.INTERNAL_ERROR, ex.toString(), now);
    }
  }

  /** The sealed decision; if sealing fails, a sealed (or at worst plain) denial instead. */
  private AccessDecision sealed(AccessDecision d) {
    try {
      return seal.seal(d);
    } catch (RuntimeException e) {
      LOG.error("cannot seal the decision for event {}; denying it", d.getEventId(), e);
      // a shallow copy: Avro's deep copy would re-check enum classes against its allow-list
      AccessDecision denied = new AccessDecision();
      for (int f = 0; f < d.getSchema().getFields().size(); f++) {
        denied.put(f, d.get(f));
      }
      denied.setOutcome(Outcome.DENIED);
      denied.setReason(DecisionReason.INTERNAL_ERROR);
      denied.setDetail(DecisionRecords.clip("decision could not be sealed: " + e.getMessage()));
      denied.setSignatureKeyId(null);
      denied.setSignature(null);
      try {
        return seal.seal(denied);
      } catch (RuntimeException again) {
        return denied;
      }
    }
  }

  /**
   * Runs one batch stage on a worker within the batch budget. When it times out or fails, every
   * slot of {@code ready} is denied ({@code PROCESSING_TIMEOUT} or {@code MODEL_ERROR}, with a dead
   * letter) and null is returned: no slot of the batch has an answer.
   */
  private <T> T onWorkers(
      String stage, List<Slot> ready, Callable<T> work, long deadline, long now) {
    try {
      return workers.submit(work).await(deadline, Long.MAX_VALUE);
    } catch (TimeoutException e) {
      LOG.error(
          "{} for a batch of {} not done within the {} ms batch budget ({}); denying all of them",
          stage,
          ready.size(),
          batchBudgetMs,
          e.getMessage());
      for (Slot s : ready) {
        fail(
            s,
            DecisionReason.PROCESSING_TIMEOUT,
            stage + " exceeded the " + batchBudgetMs + " ms batch budget: " + e.getMessage(),
            now);
      }
    } catch (ExecutionException e) {
      LOG.error(
          "{} failed for a batch of {}; denying all of them", stage, ready.size(), e.getCause());
      for (Slot s : ready) {
        fail(s, DecisionReason.MODEL_ERROR, stage + " failed: " + e.getCause(), now);
      }
    }
    return null;
  }

  private void fail(Slot s, DecisionReason reason, String error, long now) {
    s.decision = DecisionRecords.denied(s.event, s.in, reason, error, threshold, modelVersion, now);
    s.dead = DecisionRecords.deadLetter(s.in, s.decision.getEventId(), reason, error, now);
  }
}
