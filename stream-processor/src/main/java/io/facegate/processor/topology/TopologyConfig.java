package io.facegate.processor.topology;

import io.facegate.model.preprocess.ImageLimits;
import io.facegate.processor.core.policy.PolicyConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * What shapes the processing topology.
 *
 * @param maxBatchSize {@code processor.batch.max-size}: flush a task's buffer at this many events
 * @param maxBatchWait {@code processor.batch.max-wait-ms}: flush whatever is buffered this often
 *     (wall clock)
 * @param maxBatchBytes {@code processor.batch.max-bytes}: flush before a task's buffered records
 *     would exceed this many bytes, so that a burst of large images cannot fill the heap
 * @param imageLimits byte, pixel and side limits checked before an image is decoded
 * @param policy the threshold (normally the model's calibrated one) and 1:N margin
 * @param budget how long decoding, pre-processing and inference of a flush may take
 */
public record TopologyConfig(
    int maxBatchSize,
    Duration maxBatchWait,
    int maxBatchBytes,
    ImageLimits imageLimits,
    PolicyConfig policy,
    ProcessingBudget budget) {
  /** Default {@code processor.batch.max-bytes}: 16 MiB, two images of the default maximum size. */
  public static final int DEFAULT_MAX_BATCH_BYTES = 16 * 1024 * 1024;

  /** Room for the Avro envelope around an image of the maximum size. */
  static final int ENVELOPE_SLACK = 64 * 1024;

  /** Room for what a batch-buffer entry adds to its record: key, hash, source coordinates. */
  static final int BUFFER_ENTRY_SLACK = 64 * 1024;

  public TopologyConfig {
    if (maxBatchSize < 1 || maxBatchSize > 4096) {
      throw new IllegalArgumentException("maxBatchSize must be in [1, 4096]: " + maxBatchSize);
    }
    Objects.requireNonNull(maxBatchWait, "batch.max-wait");
    if (maxBatchWait.toMillis() < 1 || maxBatchWait.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("maxBatchWait must be in [1 ms, 1 min]: " + maxBatchWait);
    }
    if (maxBatchBytes < 1024) {
      throw new IllegalArgumentException("maxBatchBytes must be >= 1024: " + maxBatchBytes);
    }
    Objects.requireNonNull(imageLimits, "image limits");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(budget, "budget");
  }

  /** With the default {@link ProcessingBudget}. */
  public TopologyConfig(
      int maxBatchSize,
      Duration maxBatchWait,
      int maxBatchBytes,
      ImageLimits imageLimits,
      PolicyConfig policy) {
    this(
        maxBatchSize,
        maxBatchWait,
        maxBatchBytes,
        imageLimits,
        policy,
        ProcessingBudget.defaults());
  }

  /** The largest camera-frames record kept and parsed; a bigger one is denied unread. */
  public int maxRecordBytes() {
    return maxRecordBytes(imageLimits);
  }

  private static int maxRecordBytes(ImageLimits limits) {
    return (int)
        Math.min(Integer.MAX_VALUE - BUFFER_ENTRY_SLACK, (long) limits.maxBytes() + ENVELOPE_SLACK);
  }

  /**
   * The largest entry of the batch buffer, and so of its changelog: a kept record and its metadata.
   * The changelog topic's {@code max.message.bytes} and the Streams producer's {@code
   * max.request.size} must allow it, or a large frame would fail the task.
   */
  public static int bufferEntryLimit(ImageLimits limits) {
    return maxRecordBytes(limits) + BUFFER_ENTRY_SLACK;
  }
}
