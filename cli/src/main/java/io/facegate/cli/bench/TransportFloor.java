package io.facegate.cli.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The floor the transport itself sets: the same camera events, on the same broker, through a
 * minimal Kafka Streams application with the processor's own Streams settings (exactly-once v2,
 * commit interval, stream threads, fetch queue) that decodes nothing and forwards one small record
 * per event: the input's partition and offset (12 bytes). No exactly-once pipeline on this broker
 * can be faster than this one, so it is what facegate's pipeline is held to besides bare inference.
 *
 * <p>Counting needs no decoding either: the events a load adds to the input are the offset range
 * between the partitions' ends before and after it (the load generator's producer is idempotent,
 * not transactional, so the range holds no markers), and each output record names one such offset.
 */
public final class TransportFloor implements AutoCloseable {
  static final String SOURCE = "floor-source";
  static final String FORWARDER = "floor-forwarder";
  static final String SINK = "floor-sink";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  /**
   * One load through the floor.
   *
   * @param events events the load added to the input topic
   * @param forwarded distinct input offsets seen on the output (committed)
   * @param lost input events without an output record
   * @param duplicated output records beyond the first for the same input event
   * @param eventsPerSecond {@code forwarded} / (first send to the last new output record read)
   */
  public record Run(
      long events, long forwarded, long lost, long duplicated, double eventsPerSecond) {}

  private final KafkaStreams streams;
  private final Properties clientProperties;
  private final String input;
  private final String output;

  private TransportFloor(
      KafkaStreams streams, Properties clientProperties, String input, String output) {
    this.streams = streams;
    this.clientProperties = clientProperties;
    this.input = input;
    this.output = output;
  }

  /**
   * The floor's topology: {@code input} (bytes, not decoded) to {@code output}, one record of the
   * input's partition and offset per input record, under the input's key.
   */
  public static Topology topology(String input, String output) {
    Topology t = new Topology();
    t.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), input);
    t.addProcessor(FORWARDER, Forwarder::new, SOURCE);
    t.addSink(SINK, output, new ByteArraySerializer(), new ByteArraySerializer(), FORWARDER);
    return t;
  }

  /**
   * Creates {@code input} and {@code output} with {@code partitions} partitions and starts the
   * floor, waiting until it runs.
   *
   * @param streamsProperties the processor's Streams settings ({@code
   *     ProcessorConfig.streamsProperties()}); application id and state directory are replaced by
   *     the floor's own
   * @param clientProperties connection settings for the admin client and the output reader
   */
  public static TransportFloor start(
      Properties streamsProperties,
      Properties clientProperties,
      String input,
      String output,
      int partitions,
      String stateDir)
      throws InterruptedException {
    try (Admin admin = Admin.create(clientProperties)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(input, partitions, (short) 1),
                  new NewTopic(output, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create the floor's topics: " + e, e);
    }
    Properties p = new Properties();
    p.putAll(streamsProperties);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "facegate-bench-transport-floor");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    KafkaStreams streams = new KafkaStreams(topology(input, output), p);
    streams.start();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline
          || !streams.state().isRunningOrRebalancing()
              && streams.state() != KafkaStreams.State.CREATED) {
        KafkaStreams.State s = streams.state();
        streams.close(Duration.ofSeconds(10));
        throw new IllegalStateException("the transport floor did not start (streams " + s + ")");
      }
      Thread.sleep(20);
    }
    return new TransportFloor(streams, clientProperties, input, output);
  }

  /** The topic the load generator writes to. */
  public String input() {
    return input;
  }

  /**
   * Runs {@code publish} (which sends events to {@link #input()}) and waits until each of them has
   * its output record, or no new one came for {@code idle}.
   *
   * @return what went through, counted from the offsets
   */
  public Run load(Runnable publish, Duration idle) throws InterruptedException {
    Map<TopicPartition, Long> before = endOffsets();
    try (OutputReader reader = new OutputReader(clientProperties, output)) {
      long t0 = System.nanoTime();
      publish.run();
      Map<TopicPartition, Long> after = endOffsets();
      long events = 0;
      for (Map.Entry<TopicPartition, Long> e : after.entrySet()) {
        events += e.getValue() - before.getOrDefault(e.getKey(), 0L);
      }
      long lastProgress = System.nanoTime();
      long seen = -1;
      while (reader.distinctIn(before, after) < events) {
        reader.checkAlive();
        long now = reader.distinctIn(before, after);
        if (now != seen) {
          seen = now;
          lastProgress = System.nanoTime();
        } else if (System.nanoTime() - lastProgress > idle.toNanos()) {
          break;
        }
        Thread.sleep(10);
      }
      long forwarded = reader.distinctIn(before, after);
      long duplicated = reader.duplicatesIn(before, after);
      double seconds = Math.max(1, reader.lastNewNanos() - t0) / 1e9;
      return new Run(
          events,
          forwarded,
          events - forwarded,
          duplicated,
          forwarded == 0 ? 0 : forwarded / seconds);
    }
  }

  private Map<TopicPartition, Long> endOffsets() {
    try (Admin admin = Admin.create(clientProperties)) {
      Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
      admin
          .describeTopics(List.of(input))
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .get(input)
          .partitions()
          .forEach(p -> specs.put(new TopicPartition(input, p.partition()), OffsetSpec.latest()));
      Map<TopicPartition, Long> out = new HashMap<>();
      admin
          .listOffsets(specs)
          .all()
          .get(30, TimeUnit.SECONDS)
          .forEach((tp, info) -> out.put(tp, info.offset()));
      return out;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read the floor input's end offsets: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading end offsets", e);
    }
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }

  /** Forwards the input record's coordinates: no deserialisation, one record out per record in. */
  private static final class Forwarder implements Processor<byte[], byte[], byte[], byte[]> {
    private ProcessorContext<byte[], byte[]> ctx;

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
      this.ctx = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
      RecordMetadata meta = ctx.recordMetadata().orElseThrow();
      byte[] value =
          ByteBuffer.allocate(12).putInt(meta.partition()).putLong(meta.offset()).array();
      ctx.forward(record.withValue(value));
    }
  }

  /**
   * Reads the floor's committed output from its end on its own thread, counting each input
   * coordinate it names.
   */
  private static final class OutputReader implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;

    /** Input partition to input offset to how many output records named it. */
    private final Map<Integer, Map<Long, Integer>> seen = new ConcurrentHashMap<>();

    private final AtomicLong lastNewNanos = new AtomicLong();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    OutputReader(Properties clientProperties, String output) {
      Properties p = new Properties();
      p.putAll(clientProperties);
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      this.consumer =
          new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      List<TopicPartition> parts = new ArrayList<>();
      consumer
          .partitionsFor(output, Duration.ofSeconds(15))
          .forEach(i -> parts.add(new TopicPartition(output, i.partition())));
      consumer.assign(parts);
      consumer.seekToEnd(parts);
      parts.forEach(consumer::position);
      this.thread = new Thread(this::run, "floor-output-reader");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      try {
        while (running) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
            ByteBuffer v = ByteBuffer.wrap(r.value());
            int partition = v.getInt();
            long offset = v.getLong();
            int times =
                seen.computeIfAbsent(partition, k -> new ConcurrentHashMap<>())
                    .merge(offset, 1, Integer::sum);
            if (times == 1) {
              lastNewNanos.set(System.nanoTime());
            }
          }
        }
      } catch (WakeupException e) {
        // closing
      } catch (RuntimeException e) {
        failure.set(e);
      } finally {
        consumer.close(Duration.ofSeconds(5));
      }
    }

    /** Input offsets in [before, after) of each partition seen at least once. */
    long distinctIn(Map<TopicPartition, Long> before, Map<TopicPartition, Long> after) {
      return count(before, after, false);
    }

    /** Output records beyond the first for input offsets in [before, after). */
    long duplicatesIn(Map<TopicPartition, Long> before, Map<TopicPartition, Long> after) {
      return count(before, after, true);
    }

    private long count(
        Map<TopicPartition, Long> before, Map<TopicPartition, Long> after, boolean extra) {
      long n = 0;
      for (Map.Entry<TopicPartition, Long> e : after.entrySet()) {
        long from = before.getOrDefault(e.getKey(), 0L);
        Map<Long, Integer> offsets = seen.get(e.getKey().partition());
        if (offsets == null) {
          continue;
        }
        for (Map.Entry<Long, Integer> o : offsets.entrySet()) {
          if (o.getKey() >= from && o.getKey() < e.getValue()) {
            n += extra ? o.getValue() - 1 : 1;
          }
        }
      }
      return n;
    }

    long lastNewNanos() {
      return lastNewNanos.get();
    }

    void checkAlive() {
      RuntimeException e = failure.get();
      if (e != null) {
        throw new IllegalStateException("reading the floor's output failed: " + e, e);
      }
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      consumer.wakeup();
      thread.join(10_000);
    }
  }
}
