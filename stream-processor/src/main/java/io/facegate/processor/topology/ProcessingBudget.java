package io.facegate.processor.topology;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the work of one flush may hold a stream thread. Decoding, pre-processing and inference
 * run on a task's worker threads while the stream thread waits with a deadline; an event whose work
 * is not done in time is DENIED {@code PROCESSING_TIMEOUT} and the stream thread moves on, so no
 * input can keep it from polling (and the group from seeing it alive).
 *
 * @param event {@code processor.budget.event-ms}: decoding and pre-processing of one event, counted
 *     from when a worker starts on it
 * @param batch {@code processor.budget.batch-ms}: everything a flush waits for (every event's
 *     decoding and pre-processing, then the inference call); must stay well below {@code
 *     max.poll.interval.ms} and the transaction timeout, which {@code ProcessorConfig} checks
 * @param workers {@code processor.budget.workers}: worker threads per task; a worker stuck on an
 *     event past its budget is interrupted and, up to {@link #MAX_OVERDUE_WORKERS}, replaced
 */
public record ProcessingBudget(Duration event, Duration batch, int workers) {
  /** Default {@code processor.budget.event-ms}: a 16-megapixel JPEG decodes in a fraction of it. */
  public static final Duration DEFAULT_EVENT = Duration.ofSeconds(1);

  /**
   * Default {@code processor.budget.batch-ms}: under half of Streams' 10 s EOS transaction timeout.
   */
  public static final Duration DEFAULT_BATCH = Duration.ofSeconds(4);

  /** Default {@code processor.budget.workers}: as much decoding in parallel as before (none). */
  public static final int DEFAULT_WORKERS = 1;

  /**
   * Per task, how many workers still busy with an event that was already decided may be replaced by
   * fresh ones. Beyond that the task waits for them to return, denying what times out.
   */
  public static final int MAX_OVERDUE_WORKERS = 4;

  public ProcessingBudget {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(batch, "batch");
    if (event.toMillis() < 1) {
      throw new IllegalArgumentException("event budget must be >= 1 ms: " + event);
    }
    if (batch.compareTo(event) < 0 || batch.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException(
          "batch budget must be in [event budget " + event + ", 1 min]: " + batch);
    }
    if (workers < 1 || workers > 64) {
      throw new IllegalArgumentException("workers must be in [1, 64]: " + workers);
    }
  }

  /** The defaults: 1 s per event, 4 s per flush, one worker per task. */
  public static ProcessingBudget defaults() {
    return new ProcessingBudget(DEFAULT_EVENT, DEFAULT_BATCH, DEFAULT_WORKERS);
  }
}
