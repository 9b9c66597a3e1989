package io.facegate.cli.publish;

import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.ImageKind;
import io.facegate.trainer.data.FaceImageRef;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes face images as {@link FaceEvent}s (key: door id) at a steady rate, with a progress
 * line. An image from a folder is captured at the moment of sending, so decision latency is
 * measured end to end; a video frame carries its own capture time (the video's start plus the
 * frame's timestamp).
 */
public final class FramePublisher {

  private final Producer<String, FaceEvent> producer;
  private final String topic;
  private final ImageKind kind;
  private final String cameraId;
  private final String doorId;
  private final Pacer pacer;
  private final PrintWriter progress;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final long startNanos = System.nanoTime();
  private long lastProgressNanos;

  /**
   * @param producer writes camera-frames
   * @param topic the camera-frames topic name
   * @param cameraId camera id on every event
   * @param doorId door id, also the record key
   * @param eventsPerSecond target rate; 0 or less: as fast as possible
   * @param progress where the progress line goes (stderr), or null for none
   */
  public FramePublisher(
      Producer<String, FaceEvent> producer,
      String topic,
      String cameraId,
      String doorId,
      double eventsPerSecond,
      PrintWriter progress) {
    this(producer, topic, cameraId, doorId, eventsPerSecond, progress, ImageKind.CROP);
  }

  /**
   * As the other constructor, sending images of {@code kind} (crops, or whole frames the processor
   * searches).
   */
  public FramePublisher(
      Producer<String, FaceEvent> producer,
      String topic,
      String cameraId,
      String doorId,
      double eventsPerSecond,
      PrintWriter progress,
      ImageKind kind) {
    this.kind = kind;
    this.producer = producer;
    this.topic = topic;
    this.cameraId = cameraId;
    this.doorId = doorId;
    this.pacer = new Pacer(eventsPerSecond);
    this.progress = progress;
  }

  /**
   * Sends one image as an event.
   *
   * @param image the face
   * @param claimedIdentity badge identity for 1:1 verification, or null for 1:N
   * @param beforeSend called with the event just before it is sent (to record ground truth)
   * @return the event id, or null when the file could not be read (counted as an error)
   */
  public String publish(FaceImageRef image, String claimedIdentity, Consumer<FaceEvent> beforeSend)
      throws InterruptedException {
    pacer.awaitNext();
    FaceImage face;
    try {
      face = FaceImages.read(image.path(), image.format(), kind);
    } catch (IOException e) {
      errors.incrementAndGet();
      report(false);
      return null;
    }
    return send(face, Instant.now(), claimedIdentity, Map.of(), beforeSend);
  }

  /**
   * Sends one video frame as an event, with the frame's own capture time and its marking.
   *
   * @param frame a frame sampled from a video
   * @param claimedIdentity badge identity for 1:1 verification, or null for 1:N
   * @return the event id
   */
  public String publish(VideoFrames.Frame frame, String claimedIdentity)
      throws InterruptedException {
    pacer.awaitNext();
    return send(
        frame.image(), frame.captureTime(), claimedIdentity, frame.attributes(), event -> {});
  }

  private String send(
      FaceImage face,
      Instant captureTime,
      String claimedIdentity,
      Map<String, String> attributes,
      Consumer<FaceEvent> beforeSend) {
    FaceEvent event =
        FaceEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setCameraId(cameraId)
            .setDoorId(doorId)
            .setCaptureTime(captureTime)
            .setImage(face)
            .setClaimedIdentity(claimedIdentity)
            .setAttributes(Map.copyOf(attributes))
            .build();
    beforeSend.accept(event);
    producer.send(
        new ProducerRecord<>(topic, doorId, event),
        (metadata, exception) -> {
          if (exception == null) {
            sent.incrementAndGet();
          } else {
            errors.incrementAndGet();
          }
        });
    report(false);
    return event.getEventId();
  }

  /** Flushes the producer and prints the final progress line. */
  public void finish() {
    producer.flush();
    report(true);
  }

  /**
   * @return events acknowledged by the broker
   */
  public long sent() {
    return sent.get();
  }

  /**
   * @return events that could not be read or sent
   */
  public long errors() {
    return errors.get();
  }

  private void report(boolean force) {
    if (progress == null) {
      return;
    }
    long now = System.nanoTime();
    if (!force && now - lastProgressNanos < 1_000_000_000L) {
      return;
    }
    lastProgressNanos = now;
    double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
    progress.printf(
        "\rsent %d (%.1f/s), errors %d%s",
        sent.get(), sent.get() / seconds, errors.get(), force ? System.lineSeparator() : "");
    progress.flush();
  }

  /**
   * Spaces sends evenly at a target rate, catching up after a stall rather than bursting forever.
   */
  static final class Pacer {
    private final long intervalNanos;
    private long next = System.nanoTime();

    Pacer(double perSecond) {
      this.intervalNanos = perSecond > 0 ? (long) (1e9 / perSecond) : 0;
    }

    void awaitNext() throws InterruptedException {
      if (intervalNanos == 0) {
        return;
      }
      long now = System.nanoTime();
      if (next > now) {
        long wait = next - now;
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } else if (now - next > 1_000_000_000L) {
        next = now; // more than a second behind: do not burst to catch up
      }
      next += intervalNanos;
    }
  }
}
