package io.facegate.cli.dashboard;

import io.facegate.cli.FacegateClients;
import io.facegate.platform.security.DecisionVerifier;
import io.facegate.platform.topics.FacegateTopics;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DeadLetter;
import io.facegate.schemas.FaceEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows access-decisions and dead-letters (and camera-frames when probe thumbnails are on) with
 * one read_committed consumer, from the end, on its own thread: only decisions the processor
 * committed are shown, as {@code tail} shows them.
 */
final class DecisionFeed implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DecisionFeed.class);
  private static final Duration PARTITIONS_TIMEOUT = Duration.ofSeconds(15);

  private final KafkaConsumer<String, byte[]> consumer;
  private final FacegateTopics topics;
  private final DecisionVerifier verifier;
  private final LiveBoard board;
  private final ProbeThumbnails probes;
  private final Thread thread;
  private volatile boolean running = true;

  private DecisionFeed(
      FacegateClients clients, DecisionVerifier verifier, LiveBoard board, ProbeThumbnails probes) {
    this.consumer = clients.committedReader();
    this.topics = clients.topics();
    this.verifier = verifier;
    this.board = board;
    this.probes = probes;
    this.thread = new Thread(this::run, "facegate-dashboard-feed");
    thread.setDaemon(true);
  }

  /**
   * Assigns every partition of the followed topics at their end and starts reading.
   *
   * @param probes where camera frames go for thumbnails, or null to not read camera-frames at all
   */
  static DecisionFeed start(
      FacegateClients clients, DecisionVerifier verifier, LiveBoard board, ProbeThumbnails probes) {
    DecisionFeed feed = new DecisionFeed(clients, verifier, board, probes);
    try {
      List<String> names =
          new ArrayList<>(
              List.of(feed.topics.accessDecisions().name(), feed.topics.deadLetters().name()));
      if (probes != null) {
        names.add(feed.topics.cameraFrames().name());
      }
      List<TopicPartition> partitions = new ArrayList<>();
      for (String name : names) {
        feed.consumer
            .partitionsFor(name, PARTITIONS_TIMEOUT)
            .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      }
      feed.consumer.assign(partitions);
      feed.consumer.seekToEnd(partitions);
      // resolve the end offsets now, so that what is published after start() is seen
      partitions.forEach(feed.consumer::position);
    } catch (RuntimeException e) {
      feed.consumer.close();
      throw e;
    }
    feed.thread.start();
    return feed;
  }

  private void run() {
    String decisions = topics.accessDecisions().name();
    String dead = topics.deadLetters().name();
    try {
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
        List<DecisionView> batch = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> r : records) {
          try {
            if (r.topic().equals(decisions)) {
              AccessDecision d =
                  topics
                      .accessDecisions()
                      .valueSerde()
                      .deserializer()
                      .deserialize(r.topic(), r.value());
              batch.add(DecisionView.of(d, verifier));
            } else if (r.topic().equals(dead)) {
              DeadLetter d =
                  topics
                      .deadLetters()
                      .valueSerde()
                      .deserializer()
                      .deserialize(r.topic(), r.value());
              board.addDeadLetter(d.getFailedAt().toEpochMilli(), d.getReason());
            } else if (probes != null) {
              FaceEvent e =
                  topics
                      .cameraFrames()
                      .valueSerde()
                      .deserializer()
                      .deserialize(r.topic(), r.value());
              probes.offer(e);
            }
          } catch (SerializationException e) {
            // a camera's bad frame is the processor's business (it denies it); here it is only not
            // shown
            if (r.topic().equals(decisions) || r.topic().equals(dead)) {
              LOG.warn(
                  "unreadable record at {}-{}@{}: {}",
                  r.topic(),
                  r.partition(),
                  r.offset(),
                  e.getMessage());
              board.unreadableRecord();
            }
          }
        }
        if (!batch.isEmpty()) {
          board.addDecisions(batch);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("the dashboard's decision reader stopped", e);
      board.feedStopped(e.toString());
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("the decision reader did not stop within 10 s; its consumer may still be open");
    }
  }
}
