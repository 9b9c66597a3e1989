package io.facegate.cli.bench;

import io.facegate.cli.replay.DecisionLedger;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.ImageEncoding;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes camera events for load and failure tests: the given images in turn, keyed by one of
 * {@code doors} door ids so that the events spread over every partition of camera-frames (the
 * replay workflow keys all its events by one door, which keeps them on one partition), each
 * recorded in a {@link DecisionLedger} before it is sent so that lost and duplicated decisions can
 * be counted.
 */
public final class LoadGenerator {

  private final Producer<String, FaceEvent> producer;
  private final String topic;
  private final List<FaceImage> images;
  private final int doors;
  private final DecisionLedger ledger;
  private final AtomicLong acked = new AtomicLong();
  private final AtomicReference<Exception> sendError = new AtomicReference<>();

  /**
   * @param producer writes camera-frames
   * @param topic the camera-frames topic name
   * @param images the faces to send, in turn
   * @param doors how many door ids (record keys) to spread the events over
   * @param ledger records every event before it is sent
   */
  public LoadGenerator(
      Producer<String, FaceEvent> producer,
      String topic,
      List<FaceImage> images,
      int doors,
      DecisionLedger ledger) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("no images to send");
    }
    if (doors < 1) {
      throw new IllegalArgumentException("doors must be at least 1: " + doors);
    }
    this.producer = producer;
    this.topic = topic;
    this.images = List.copyOf(images);
    this.doors = doors;
    this.ledger = ledger;
  }

  /**
   * Grey noise images of the given size, raw 8-bit: no decoding cost, deterministic.
   *
   * @param count how many different images
   * @param seed for the noise
   */
  public static List<FaceImage> noiseImages(int width, int height, int count, long seed) {
    Random random = new Random(seed);
    List<FaceImage> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] pixels = new byte[width * height];
      random.nextBytes(pixels);
      out.add(
          FaceImage.newBuilder()
              .setData(ByteBuffer.wrap(pixels))
              .setEncoding(ImageEncoding.RAW_GRAY8)
              .setWidth(width)
              .setHeight(height)
              .build());
    }
    return out;
  }

  /**
   * Sends {@code count} events at {@code eventsPerSecond} (0: as fast as the producer takes them),
   * then flushes.
   *
   * @param afterEach called with the index of each event just sent (e.g. to kill a processor
   *     midway)
   * @return the wall-clock milliseconds of the first send
   * @throws IllegalStateException when the broker refused an event
   */
  public long publish(int count, double eventsPerSecond, IntConsumer afterEach) {
    long interval = eventsPerSecond > 0 ? (long) (1e9 / eventsPerSecond) : 0;
    long start = System.nanoTime();
    long first = System.currentTimeMillis();
    for (int i = 0; i < count; i++) {
      if (interval > 0) {
        long due = start + i * interval;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
      }
      String door = "door-" + (i % doors);
      Instant now = Instant.now();
      FaceEvent event =
          FaceEvent.newBuilder()
              .setEventId(UUID.randomUUID().toString())
              .setCameraId("cam-" + (i % doors))
              .setDoorId(door)
              .setCaptureTime(now)
              .setImage(images.get(i % images.size()))
              .setClaimedIdentity(null)
              .setAttributes(Map.of())
              .build();
      ledger.sent(
          new DecisionLedger.SentEvent(
              event.getEventId(), "load", false, now.toEpochMilli(), null));
      producer.send(
          new ProducerRecord<>(topic, door, event),
          (metadata, e) -> {
            if (e == null) {
              acked.incrementAndGet();
            } else {
              sendError.compareAndSet(null, e);
            }
          });
      afterEach.accept(i);
    }
    producer.flush();
    Exception e = sendError.get();
    if (e != null) {
      throw new IllegalStateException("the broker refused an event: " + e, e);
    }
    return first;
  }

  /**
   * @return events the broker acknowledged
   */
  public long acknowledged() {
    return acked.get();
  }
}
