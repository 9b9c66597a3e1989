package io.facegate.cli.bench;

import io.facegate.cli.FacegateClients;
import io.facegate.cli.LocalPipeline;
import io.facegate.cli.replay.DecisionCollector;
import io.facegate.cli.replay.DecisionLedger;
import io.facegate.cli.replay.ReplayReport;
import io.facegate.model.preprocess.PreprocessSpec;
import io.facegate.platform.config.KafkaClientSettings;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The end-to-end pipeline on this machine: the in-process broker, the real processor with
 * exactly-once v2 in this JVM, and a load generator with a {@code read_committed} collector. One
 * instance runs several loads against the same warm processor.
 */
public final class PipelineBench implements AutoCloseable {

  /**
   * One load's outcome.
   *
   * @param report lost/duplicated counts, throughput (first event sent to last decision committed
   *     and read) and end-to-end latency percentiles
   * @param offeredEps the publishing rate; 0 = as fast as possible
   */
  public record Run(ReplayReport report, double offeredEps) {}

  static final String FLOOR_INPUT = "bench-floor-in";
  static final String FLOOR_OUTPUT = "bench-floor-out";

  private final LocalPipeline pipeline;
  private final List<FaceImage> images;
  private final int doors;

  private PipelineBench(LocalPipeline pipeline, List<FaceImage> images, int doors) {
    this.pipeline = pipeline;
    this.images = images;
    this.doors = doors;
  }

  /**
   * Starts a broker with {@code partitions} partitions per topic and a processor configured by
   * {@code processorSettings} (model, batch, threads...), and waits until it is ready.
   */
  public static PipelineBench start(
      Map<String, String> processorSettings, int partitions, List<FaceImage> images, Path stateDir)
      throws InterruptedException {
    return new PipelineBench(
        LocalPipeline.start(processorSettings, partitions, stateDir, "bench"),
        images,
        Math.max(8, partitions * 4));
  }

  /** The processor's processing guarantee, as Kafka Streams names it. */
  public String processingGuarantee() {
    return pipeline
        .config()
        .streamsProperties()
        .getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
  }

  /**
   * @return where inference runs
   */
  public String device() {
    return pipeline.app().device();
  }

  /**
   * Publishes {@code events} at {@code eventsPerSecond} (0: as fast as possible) and waits for
   * every committed decision (or 60 s without a new one).
   */
  public Run load(int events, double eventsPerSecond, PrintWriter out) throws InterruptedException {
    DecisionLedger ledger = new DecisionLedger();
    try (FacegateClients clients = FacegateClients.connect(pipeline.settings(), List.of());
        DecisionCollector collector =
            new DecisionCollector(clients.committedReader(), clients.topics(), ledger);
        KafkaProducer<String, FaceEvent> producer =
            clients.producer(clients.topics().cameraFrames())) {
      LoadGenerator generator =
          new LoadGenerator(
              producer, clients.topics().cameraFrames().name(), images, doors, ledger);
      generator.publish(events, eventsPerSecond, i -> {});
      if (!collector.awaitDecisions(Duration.ofSeconds(60)) && out != null) {
        out.printf(
            "bench: %d events without a decision after 60 s idle%n", ledger.undecided().size());
      }
    }
    return new Run(ledger.report(0, 0), eventsPerSecond);
  }

  /**
   * Starts the transport floor on this pipeline's broker with the processor's own Streams settings
   * (exactly-once v2, commit interval, stream threads) and as many partitions as the processor's
   * input.
   */
  public TransportFloor startFloor(int partitions, Path stateDir) throws InterruptedException {
    return TransportFloor.start(
        pipeline.config().streamsProperties(),
        clientProperties(),
        FLOOR_INPUT,
        FLOOR_OUTPUT,
        partitions,
        stateDir.toString());
  }

  /**
   * Publishes {@code events} of this bench's events, keyed as for the pipeline, through the floor
   * as fast as possible and counts what came out.
   */
  public TransportFloor.Run floorLoad(TransportFloor floor, int events)
      throws InterruptedException {
    try (FacegateClients clients = FacegateClients.connect(pipeline.settings(), List.of());
        KafkaProducer<String, FaceEvent> producer =
            clients.producer(clients.topics().cameraFrames())) {
      LoadGenerator generator =
          new LoadGenerator(producer, floor.input(), images, doors, new DecisionLedger());
      return floor.load(() -> generator.publish(events, 0, i -> {}), Duration.ofSeconds(60));
    }
  }

  /**
   * CPU milliseconds per event of the processor's own stages ({@link StageCosts}), with the
   * processor's serdes and the model's pre-processing.
   */
  public Map<String, Double> stageCosts(PreprocessSpec input, int events) {
    try (FacegateClients clients = FacegateClients.connect(pipeline.settings(), List.of())) {
      var frames = clients.topics().cameraFrames();
      return StageCosts.measure(
          images,
          input,
          pipeline.config().imageLimits(),
          frames.valueSerde().serializer(),
          frames.valueSerde().deserializer(),
          frames.name(),
          clients.topics().accessDecisions().valueSerde().serializer(),
          clients.topics().accessDecisions().name(),
          events);
    }
  }

  private Properties clientProperties() {
    return KafkaClientSettings.fromMap(pipeline.settings()).toProperties();
  }

  @Override
  public void close() {
    pipeline.close();
  }
}
