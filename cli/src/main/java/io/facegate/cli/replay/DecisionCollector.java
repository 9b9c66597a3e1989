package io.facegate.cli.replay;

import io.facegate.platform.topics.FacegateTopics;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DeadLetter;
import io.facegate.schemas.EnrolledTemplate;
import io.facegate.schemas.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Follows access-decisions, dead-letters and embedding-store from their current ends (so it must
 * start before the replay publishes) on its own thread, feeding a {@link DecisionLedger} and noting
 * which identities got a fresh template.
 */
public final class DecisionCollector implements AutoCloseable {

  private final Consumer<String, byte[]> consumer;
  private final FacegateTopics topics;
  private final DecisionLedger ledger;
  private final Set<String> freshTemplates = ConcurrentHashMap.newKeySet();
  private final Set<String> removedTemplates = ConcurrentHashMap.newKeySet();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * Assigns every partition of the three topics at their end offsets before returning, then starts
   * polling.
   */
  public DecisionCollector(
      Consumer<String, byte[]> consumer, FacegateTopics topics, DecisionLedger ledger) {
    this.consumer = consumer;
    this.topics = topics;
    this.ledger = ledger;
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic :
        List.of(
            topics.accessDecisions().name(),
            topics.deadLetters().name(),
            topics.embeddingStore().name())) {
      for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(15))) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end offsets now, not at the first poll
    this.thread = new Thread(this::run, "replay-collector");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
          long now = System.currentTimeMillis();
          accept(record, now);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      failure.set(e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
      stopped.countDown();
    }
  }

  private void accept(ConsumerRecord<String, byte[]> record, long receivedAt) {
    String topic = record.topic();
    if (topic.equals(topics.accessDecisions().name())) {
      AccessDecision d =
          topics.accessDecisions().valueSerde().deserializer().deserialize(topic, record.value());
      ledger.decided(
          new ObservedDecision(
              d.getEventId(),
              d.getOutcome() == Outcome.GRANTED,
              d.getReason().name(),
              d.getMatchedIdentity(),
              d.getDistance() == null ? Double.NaN : d.getDistance(),
              d.getThreshold(),
              d.getModelVersion(),
              receivedAt));
    } else if (topic.equals(topics.deadLetters().name())) {
      DeadLetter dl =
          topics.deadLetters().valueSerde().deserializer().deserialize(topic, record.value());
      ledger.deadLettered(dl.getEventId());
    } else if (record.value() == null) {
      removedTemplates.add(record.key());
      freshTemplates.remove(record.key());
    } else {
      EnrolledTemplate t =
          topics.embeddingStore().valueSerde().deserializer().deserialize(topic, record.value());
      freshTemplates.add(t.getIdentityId());
      removedTemplates.remove(t.getIdentityId());
    }
  }

  /**
   * Waits until every identity has a template written after this collector started.
   *
   * @return the identities still without one when the time ran out (empty: all there)
   */
  public Set<String> awaitTemplates(Set<String> identities, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && !freshTemplates.containsAll(identities)) {
      checkAlive();
      Thread.sleep(50);
    }
    Set<String> missing = ConcurrentHashMap.newKeySet();
    identities.stream().filter(id -> !freshTemplates.contains(id)).forEach(missing::add);
    return missing;
  }

  /**
   * Waits until every sent event has a decision, or until no new decision arrived for {@code idle}
   * (the rest are then reported as lost).
   *
   * @return true when every event got its decision
   */
  public boolean awaitDecisions(Duration idle) throws InterruptedException {
    int lastCount = -1;
    long lastProgress = System.nanoTime();
    while (true) {
      checkAlive();
      int count = ledger.decidedCount();
      if (ledger.complete()) {
        return true;
      }
      if (count != lastCount) {
        lastCount = count;
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > idle.toNanos()) {
        return false;
      }
      Thread.sleep(20);
    }
  }

  private void checkAlive() {
    RuntimeException e = failure.get();
    if (e != null) {
      throw new IllegalStateException("reading decisions failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    stopped.await(10, TimeUnit.SECONDS);
  }
}
