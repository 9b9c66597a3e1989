package io.facegate.cli.scale;

import io.facegate.cli.FacegateClients;
import io.facegate.cli.bench.LoadGenerator;
import io.facegate.cli.replay.DecisionCollector;
import io.facegate.cli.replay.DecisionLedger;
import io.facegate.cli.replay.ReplayReport;
import io.facegate.model.onnx.TinyOnnxModel;
import io.facegate.platform.broker.BrokerSettings;
import io.facegate.platform.broker.EmbeddedKafkaBroker;
import io.facegate.platform.topics.TopicAdmin;
import io.facegate.platform.topics.TopicNames;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.registry.LocalRegistryServer;
import io.facegate.schemas.registry.RegistryConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * What the failure tests share: an in-process broker (topics with {@code partitions} partitions),
 * the local http schema registry that separate JVMs can reach, a tiny deterministic model,
 * processor JVMs, and a load run that counts lost and duplicated decisions from the committed
 * output.
 */
final class ScaleCluster implements AutoCloseable {

  static final int WIDTH = 46;
  static final int HEIGHT = 56;

  final EmbeddedKafkaBroker broker;
  final LocalRegistryServer registry;
  final Path dir;
  final Path model;
  private final Path settingsFile;
  private final List<ProcessorJvm> processors = new ArrayList<>();

  ScaleCluster(Path dir, int partitions) throws IOException {
    this.dir = dir;
    this.broker = EmbeddedKafkaBroker.start(new BrokerSettings(dir.resolve("kafka"), 0, Map.of()));
    this.registry = LocalRegistryServer.start(0, "scale-" + dir.getFileName());
    try (Admin admin = Admin.create(broker.clientProperties())) {
      TopicAdmin.createAll(admin, TopicNames.defaults(), partitions);
    }
    this.model = Files.createDirectories(dir.resolve("model"));
    TinyOnnxModel.pooling("tiny-scale", WIDTH, HEIGHT, 1, 2, 0.35f)
        .centred()
        .write(model.resolve("model.onnx"));
    // a dead member's partitions move after the session timeout: 6 s (the broker's minimum) instead
    // of 45 s
    this.settingsFile =
        Files.writeString(
            dir.resolve("processor.properties"),
            String.join(
                "\n",
                "processor.session-timeout-ms=6000",
                "processor.streams.heartbeat.interval.ms=1500",
                "processor.intra-op-threads=1",
                ""));
  }

  /** Starts a processor JVM of application {@code applicationId}, with its own state dir. */
  ProcessorJvm startProcessor(String name, String applicationId) throws IOException {
    return startProcessor(name, applicationId, "384m");
  }

  /** Starts a processor JVM with at most {@code maxHeap} of heap. */
  ProcessorJvm startProcessor(String name, String applicationId, String maxHeap)
      throws IOException {
    ProcessorJvm p =
        ProcessorJvm.start(
            name,
            dir,
            maxHeap,
            List.of(
                "--bootstrap", broker.bootstrapServers(),
                "--registry", registry.url().toString(),
                "--model", model.toString(),
                "--device", "cpu",
                "--application-id", applicationId,
                "--http-port", "0",
                "--state-dir", dir.resolve("state-" + name).toString(),
                "--config", settingsFile.toString()));
    processors.add(p);
    return p;
  }

  Map<String, String> clientSettings() {
    Map<String, String> s = new HashMap<>();
    s.put("kafka.bootstrap.servers", broker.bootstrapServers());
    s.put(RegistryConfig.URL, registry.url().toString());
    return s;
  }

  /**
   * Publishes {@code count} noise events over {@code doors} keys at {@code rate}/s and waits for
   * their committed decisions until none arrives for {@code idle}.
   *
   * @param afterEach called after each send with its index
   */
  ReplayReport run(int count, int doors, double rate, Duration idle, IntConsumer afterEach)
      throws InterruptedException {
    return run(
        LoadGenerator.noiseImages(WIDTH, HEIGHT, 16, 7), count, doors, rate, idle, afterEach);
  }

  /** As {@link #run(int, int, double, Duration, IntConsumer)}, with the given images. */
  ReplayReport run(
      List<FaceImage> images,
      int count,
      int doors,
      double rate,
      Duration idle,
      IntConsumer afterEach)
      throws InterruptedException {
    DecisionLedger ledger = new DecisionLedger();
    try (FacegateClients clients = FacegateClients.connect(clientSettings(), List.of());
        DecisionCollector collector =
            new DecisionCollector(clients.committedReader(), clients.topics(), ledger);
        KafkaProducer<String, FaceEvent> producer =
            clients.producer(clients.topics().cameraFrames())) {
      LoadGenerator load =
          new LoadGenerator(
              producer, clients.topics().cameraFrames().name(), images, doors, ledger);
      load.publish(count, rate, afterEach);
      collector.awaitDecisions(idle);
    }
    return ledger.report(0, 0);
  }

  String logs() {
    StringBuilder b = new StringBuilder();
    for (ProcessorJvm p : processors) {
      String log = p.log();
      b.append("---- ")
          .append(p.name())
          .append(" ----\n")
          .append(log, Math.max(0, log.length() - 6000), log.length())
          .append('\n');
    }
    return b.toString();
  }

  @Override
  public void close() throws Exception {
    Path keep = Files.createDirectories(Path.of("target", "scale-logs"));
    for (ProcessorJvm p : processors) {
      p.close();
      // kept for a look after the build: the temp dir goes away with the test
      Files.writeString(keep.resolve(dir.getFileName() + "-" + p.name() + ".log"), p.log());
    }
    registry.close();
    broker.close();
  }
}
