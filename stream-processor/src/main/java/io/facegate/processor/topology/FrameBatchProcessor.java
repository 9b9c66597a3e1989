package io.facegate.processor.topology;

import io.facegate.model.onnx.Embedder;
import io.facegate.model.onnx.InferenceException;
import io.facegate.model.preprocess.ImageRejectedException;
import io.facegate.processor.core.embedding.Gallery;
import io.facegate.processor.core.policy.AccessPolicy;
import io.facegate.processor.core.policy.Decision;
import io.facegate.processor.core.policy.Reason;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DeadLetter;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camera frames to access decisions, micro-batched per task.
 *
 * <p>Each record is appended to a changelogged state store before Streams may commit its offset,
 * so the buffer is part of the exactly-once transaction: after a crash the restored buffer still
 * holds every event whose offset was committed without a decision, and the input of anything not
 * committed is read again. The buffer is flushed when it holds {@code maxBatchSize} events, before
 * its entries would exceed {@code maxBatchBytes} (a burst of large images keeps the heap bounded;
 * a single entry over the bound is decided alone), and by a wall-clock punctuator every
 * {@code maxBatchWait}: every buffered record is deserialised, decoded
 * and pre-processed, the good ones embedded in one inference call, and one decision per record is
 * emitted in input order (plus a grant and/or a dead letter), in the same transaction that deletes
 * them from the buffer.
 */
final class FrameBatchProcessor implements Processor<String, byte[], String, SpecificRecord> {
  private static final Logger LOG = LoggerFactory.getLogger(FrameBatchProcessor.class);

  private final TopologyConfig config;
  private final Deserializer<FaceEvent> events;
  private final Embedder embedder;
  private final Gallery gallery;
  private final AccessPolicy policy;
  private final FaceTensors tensors;
  private final ProcessingObserver observer;
  private final DecisionSeal seal;
  private final String modelVersion;
  private final int maxRecordBytes;

  private ProcessorContext<String, SpecificRecord> ctx;
  private KeyValueStore<Long, byte[]> buffer;
  private long nextSeq;
  private int pending;
  private long pendingBytes;

  FrameBatchProcessor(TopologyConfig config, Deserializer<FaceEvent> events, Embedder embedder,
      Gallery gallery, ProcessingObserver observer, DecisionSeal seal) {
    this.config = config;
    this.seal = seal;
    this.events = events;
    this.embedder = embedder;
    this.gallery = gallery;
    this.policy = new AccessPolicy(config.policy());
    this.tensors = new FaceTensors(config.imageLimits(), embedder.metadata().input());
    this.observer = observer;
    this.modelVersion = embedder.metadata().modelVersion();
    this.maxRecordBytes = config.maxRecordBytes();
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.ctx = context;
    this.buffer = context.getStateStore(FacegateTopology.BUFFER_STORE);
    // a restored buffer continues where it stopped; its entries are flushed by the punctuator
    nextSeq = 0;
    pending = 0;
    pendingBytes = 0;
    try (KeyValueIterator<Long, byte[]> it = buffer.all()) {
      while (it.hasNext()) {
        KeyValue<Long, byte[]> kv = it.next();
        nextSeq = Math.max(nextSeq, kv.key + 1);
        pending++;
        pendingBytes += kv.value == null ? 0 : kv.value.length;
      }
    }
    if (pending > 0) {
      LOG.info("task {}: {} buffered events restored, deciding at the next flush",
          context.taskId(), pending);
    }
    context.schedule(config.maxBatchWait(), PunctuationType.WALL_CLOCK_TIME, ts -> flush());
  }

  @Override
  public void process(Record<String, byte[]> record) {
    byte[] value = record.value();
    Optional<RecordMetadata> meta = ctx.recordMetadata();
    boolean oversized = value != null && value.length > maxRecordBytes;
    BufferedInput in = new BufferedInput(record.key(), oversized ? null : value, oversized,
        PayloadHash.sha256Hex(value), value == null ? 0 : value.length,
        meta.map(RecordMetadata::topic).orElse("unknown"),
        meta.map(RecordMetadata::partition).orElse(-1),
        meta.map(RecordMetadata::offset).orElse(-1L),
        record.timestamp(), ctx.currentSystemTimeMs());
    byte[] entry = in.encode();
    if (pending > 0 && pendingBytes + entry.length > config.maxBatchBytes()) {
      // decide what is buffered first: this record would take the batch over its byte bound
      flush();
    }
    buffer.put(nextSeq++, entry);
    pending++;
    pendingBytes += entry.length;
    observer.eventBuffered();
    if (pending >= config.maxBatchSize() || pendingBytes >= config.maxBatchBytes()) {
      flush();
    }
  }

  /** Decides for everything buffered, in input order. */
  void flush() {
    List<KeyValue<Long, byte[]>> entries = new ArrayList<>();
    try (KeyValueIterator<Long, byte[]> it = buffer.all()) {
      while (it.hasNext()) {
        entries.add(it.next());
      }
    }
    int n = entries.size();
    if (n == 0) {
      return;
    }
    long now = ctx.currentSystemTimeMs();
    BufferedInput[] inputs = new BufferedInput[n];
    FaceEvent[] faces = new FaceEvent[n];
    AccessDecision[] decisions = new AccessDecision[n];
    DeadLetter[] dead = new DeadLetter[n];
    int per = tensors.tensorSize();
    float[] batch = new float[n * per];
    int[] slot = new int[n];
    Arrays.fill(slot, -1);
    int k = 0;

    for (int i = 0; i < n; i++) {
      BufferedInput in = BufferedInput.decode(entries.get(i).value);
      inputs[i] = in;
      if (in.oversized()) {
        fail(i, in, null, DecisionReason.IMAGE_TOO_LARGE,
            "record of " + in.size() + " bytes exceeds the image byte limit", decisions, dead, now);
        continue;
      }
      FaceEvent e;
      try {
        e = in.value() == null ? null : events.deserialize(in.topic(), in.value());
        if (e == null) {
          throw new IllegalArgumentException("record has no value");
        }
      } catch (RuntimeException ex) {
        LOG.warn("cannot read {} record at {}-{} offset {} ({} bytes): {}", in.topic(), in.topic(),
            in.partition(), in.offset(), in.size(), ex.toString());
        fail(i, in, null, DecisionReason.UNKNOWN_SCHEMA, "cannot deserialise FaceEvent: " + ex,
            decisions, dead, now);
        continue;
      }
      faces[i] = e;
      try {
        tensors.fill(e.getImage(), batch, k * per);
        slot[i] = k++;
      } catch (ImageRejectedException ex) {
        fail(i, in, e, FaceTensors.reasonFor(ex), ex.getMessage(), decisions, dead, now);
      } catch (RuntimeException ex) {
        fail(i, in, e, DecisionReason.BAD_IMAGE, "pre-processing failed: " + ex, decisions, dead,
            now);
      }
    }

    float[][] embeddings = null;
    String inferenceError = null;
    if (k > 0) {
      long t0 = System.nanoTime();
      try {
        embeddings = embedder.embed(k == n ? batch : Arrays.copyOf(batch, k * per), k);
        if (embeddings == null || embeddings.length != k) {
          throw new InferenceException("model returned "
              + (embeddings == null ? "nothing" : embeddings.length + " embeddings")
              + " for a batch of " + k);
        }
        observer.batchEmbedded(k, System.nanoTime() - t0);
      } catch (RuntimeException ex) {
        LOG.error("inference failed for a batch of {} in task {}; denying all of them", k,
            ctx.taskId(), ex);
        inferenceError = "inference failed: " + ex.getMessage();
      }
    }

    for (int i = 0; i < n; i++) {
      if (slot[i] < 0) {
        continue;
      }
      if (inferenceError != null) {
        fail(i, inputs[i], faces[i], DecisionReason.MODEL_ERROR, inferenceError, decisions, dead,
            now);
        continue;
      }
      try {
        Decision d = policy.decide(embeddings[slot[i]],
            Optional.ofNullable(faces[i].getClaimedIdentity()), gallery);
        decisions[i] = DecisionRecords.fromPolicy(faces[i], d, modelVersion, inputs[i], now);
        if (d.reason() == Reason.INVALID_PROBE || d.reason() == Reason.INVALID_TEMPLATE) {
          // broken data, not a plain denial: someone has to look at it
          dead[i] = DecisionRecords.deadLetter(inputs[i], faces[i].getEventId(),
              DecisionRecords.toAvro(d.reason()), d.detail().orElse(d.reason().name()), now);
        }
      } catch (RuntimeException ex) {
        LOG.error("policy failed for event {}; denying", faces[i].getEventId(), ex);
        fail(i, inputs[i], faces[i], DecisionReason.INTERNAL_ERROR, ex.toString(), decisions, dead,
            now);
      }
    }

    for (int i = 0; i < n; i++) {
      AccessDecision d = sealed(decisions[i]);
      long ts = inputs[i].timestamp();
      ctx.forward(new Record<String, SpecificRecord>(d.getDoorId(), d, ts),
          FacegateTopology.DECISIONS_SINK);
      if (d.getOutcome() == Outcome.GRANTED) {
        ctx.forward(new Record<String, SpecificRecord>(d.getDoorId(), d, ts),
            FacegateTopology.GRANTED_SINK);
      }
      if (dead[i] != null) {
        ctx.forward(new Record<String, SpecificRecord>(d.getEventId(), dead[i], ts),
            FacegateTopology.DEAD_LETTERS_SINK);
        observer.deadLettered(dead[i].getReason());
      }
      observer.decided(d);
      buffer.delete(entries.get(i).key);
    }
    pending = 0;
    pendingBytes = 0;
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

  private void fail(int i, BufferedInput in, FaceEvent e, DecisionReason reason, String error,
      AccessDecision[] decisions, DeadLetter[] dead, long now) {
    decisions[i] = DecisionRecords.denied(e, in, reason, error, config.policy().threshold(),
        modelVersion, now);
    dead[i] = DecisionRecords.deadLetter(in, decisions[i].getEventId(), reason, error, now);
  }
}
