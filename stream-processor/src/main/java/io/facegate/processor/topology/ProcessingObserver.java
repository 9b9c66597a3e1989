package io.facegate.processor.topology;

import io.facegate.schemas.AccessDecision;

/**
 * What the topology reports as it works, for metrics. Called on stream threads and on the tasks'
 * worker threads; implementations must be cheap and thread-safe, and must not throw.
 */
public interface ProcessingObserver {
  /** Reports nothing. */
  ProcessingObserver NONE = new ProcessingObserver() {};

  /** A camera-frames record was taken into a task's batch buffer. */
  default void eventBuffered() {}

  /** A decision was emitted. */
  default void decided(AccessDecision decision) {}

  /** One inference call embedded {@code size} faces in {@code nanos}. */
  default void batchEmbedded(int size, long nanos) {}

  /** The global thread loaded the restored embedding store into the gallery. */
  default void galleryLoaded(int identities) {}

  /** A dead letter was written, with the reason it carries. */
  default void deadLettered(String reason) {}

  /**
   * A worker thread is still busy with an event (or batch) that was already decided because its
   * time budget ran out; it was interrupted, and counts as overdue until {@link #workerReturned}.
   */
  default void workerOverdue() {}

  /** An overdue worker thread finally returned. */
  default void workerReturned() {}
}
