package io.facegate.processor.topology;

import io.facegate.model.face.FaceFinder;
import io.facegate.model.liveness.LivenessCheck;
import io.facegate.model.onnx.Embedder;
import io.facegate.processor.core.embedding.Gallery;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.FaceEvent;
import java.util.ArrayList;
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
 * <p>Each record is appended to a changelogged state store before Streams may commit its offset, so
 * the buffer is part of the exactly-once transaction: after a crash the restored buffer still holds
 * every event whose offset was committed without a decision, and the input of anything not
 * committed is read again. The buffer is flushed when it holds {@code maxBatchSize} events, before
 * its entries would exceed {@code maxBatchBytes} (a burst of large images keeps the heap bounded; a
 * single entry over the bound is decided alone), and by a wall-clock punctuator every {@code
 * maxBatchWait}: {@link FrameBatchDecider} decides for every buffered record within the {@link
 * ProcessingBudget}, and one decision per record is emitted in input order (plus a grant and/or a
 * dead letter), in the same transaction that deletes them from the buffer.
 */
final class FrameBatchProcessor implements Processor<String, byte[], String, SpecificRecord> {
  private static final Logger LOG = LoggerFactory.getLogger(FrameBatchProcessor.class);

  private final TopologyConfig config;
  private final Deserializer<FaceEvent> events;
  private final Embedder embedder;
  private final Gallery gallery;
  private final ProcessingObserver observer;
  private final DecisionSeal seal;
  private final FaceTensors tensors;
  private final LivenessCheck liveness;
  private final int maxRecordBytes;
  private BoundedWorkers workers;
  private FrameBatchDecider decider;

  private ProcessorContext<String, SpecificRecord> ctx;
  private KeyValueStore<Long, byte[]> buffer;
  private long nextSeq;
  private int pending;
  private long pendingBytes;

  FrameBatchProcessor(
      TopologyConfig config,
      Deserializer<FaceEvent> events,
      Embedder embedder,
      Gallery gallery,
      ProcessingObserver observer,
      DecisionSeal seal,
      FaceFinder finder,
      LivenessCheck liveness) {
    this.config = config;
    this.tensors = new FaceTensors(config.imageLimits(), embedder.metadata().input(), finder);
    this.liveness = liveness;
    this.seal = seal;
    this.events = events;
    this.embedder = embedder;
    this.gallery = gallery;
    this.observer = observer;
    this.maxRecordBytes = config.maxRecordBytes();
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.ctx = context;
    this.buffer = context.getStateStore(FacegateTopology.BUFFER_STORE);
    if (workers != null) {
      // initialised again (a task revived after being closed dirty): start from fresh threads
      workers.close();
    }
    this.workers =
        new BoundedWorkers(
            "facegate-" + context.taskId(),
            config.budget().workers(),
            ProcessingBudget.MAX_OVERDUE_WORKERS,
            observer);
    this.decider =
        new FrameBatchDecider(
            config, events, embedder, gallery, observer, seal, workers, tensors, liveness);
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
      LOG.info(
          "task {}: {} buffered events restored, deciding at the next flush",
          context.taskId(),
          pending);
    }
    context.schedule(config.maxBatchWait(), PunctuationType.WALL_CLOCK_TIME, ts -> flush());
  }

  @Override
  public void process(Record<String, byte[]> record) {
    byte[] value = record.value();
    Optional<RecordMetadata> meta = ctx.recordMetadata();
    boolean oversized = value != null && value.length > maxRecordBytes;
    BufferedInput in =
        new BufferedInput(
            record.key(),
            oversized ? null : value,
            oversized,
            PayloadHash.sha256Hex(value),
            value == null ? 0 : value.length,
            meta.map(RecordMetadata::topic).orElse("unknown"),
            meta.map(RecordMetadata::partition).orElse(-1),
            meta.map(RecordMetadata::offset).orElse(-1L),
            record.timestamp(),
            ctx.currentSystemTimeMs());
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

  /** Decides for everything buffered, in input order, and takes it out of the buffer. */
  void flush() {
    List<KeyValue<Long, byte[]>> entries = new ArrayList<>();
    try (KeyValueIterator<Long, byte[]> it = buffer.all()) {
      while (it.hasNext()) {
        entries.add(it.next());
      }
    }
    if (entries.isEmpty()) {
      return;
    }
    List<FrameBatchDecider.Verdict> verdicts = decider.decide(entries, ctx.currentSystemTimeMs());
    for (int i = 0; i < verdicts.size(); i++) {
      FrameBatchDecider.Verdict v = verdicts.get(i);
      AccessDecision d = v.decision();
      ctx.forward(
          new Record<String, SpecificRecord>(d.getDoorId(), d, v.timestamp()),
          FacegateTopology.DECISIONS_SINK);
      if (v.granted()) {
        ctx.forward(
            new Record<String, SpecificRecord>(d.getDoorId(), d, v.timestamp()),
            FacegateTopology.GRANTED_SINK);
      }
      if (v.deadLetter() != null) {
        ctx.forward(
            new Record<String, SpecificRecord>(d.getEventId(), v.deadLetter(), v.timestamp()),
            FacegateTopology.DEAD_LETTERS_SINK);
        observer.deadLettered(v.deadLetter().getReason());
      }
      observer.decided(d);
      buffer.delete(entries.get(i).key);
    }
    pending = 0;
    pendingBytes = 0;
  }

  @Override
  public void close() {
    workers.close();
  }
}
