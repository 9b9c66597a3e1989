package io.facegate.cli.bench;

import io.facegate.cli.FacegateClients;
import io.facegate.cli.replay.DecisionCollector;
import io.facegate.cli.replay.DecisionLedger;
import io.facegate.cli.replay.ReplayReport;
import io.facegate.platform.broker.BrokerSettings;
import io.facegate.platform.broker.EmbeddedKafkaBroker;
import io.facegate.platform.topics.TopicAdmin;
import io.facegate.platform.topics.TopicNames;
import io.facegate.processor.app.ProcessorApp;
import io.facegate.processor.app.ProcessorConfig;
import io.facegate.processor.topology.ProcessorTopics;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.registry.RegistryConfig;
import io.facegate.schemas.registry.SchemaRegistryClient;
import io.facegate.schemas.registry.SchemaRegistryClients;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
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
     * @param report lost/duplicated counts, throughput (first event sent to last decision
     *     committed and read) and end-to-end latency percentiles
     * @param offeredEps the publishing rate; 0 = as fast as possible
     */
    public record Run(ReplayReport report, double offeredEps) {
    }

    private final EmbeddedKafkaBroker broker;
    private final SchemaRegistryClient registry;
    private final ProcessorApp app;
    private final ProcessorConfig config;
    private final Map<String, String> settings;
    private final List<FaceImage> images;
    private final int doors;

    private PipelineBench(EmbeddedKafkaBroker broker, SchemaRegistryClient registry, ProcessorApp app,
                          ProcessorConfig config, Map<String, String> settings, List<FaceImage> images, int doors) {
        this.broker = broker;
        this.registry = registry;
        this.app = app;
        this.config = config;
        this.settings = settings;
        this.images = images;
        this.doors = doors;
    }

    /**
     * Starts a broker with {@code partitions} partitions per topic and a processor configured by
     * {@code processorSettings} (model, batch, threads...), and waits until it is ready.
     */
    public static PipelineBench start(Map<String, String> processorSettings, int partitions, List<FaceImage> images,
                                      Path stateDir) throws InterruptedException {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(new BrokerSettings(null, 0, Map.of()));
        SchemaRegistryClient registry = null;
        ProcessorApp app = null;
        try {
            try (Admin admin = Admin.create(broker.clientProperties())) {
                TopicAdmin.createAll(admin, TopicNames.defaults(), partitions);
            }
            Map<String, String> s = new HashMap<>(processorSettings);
            s.put("kafka.bootstrap.servers", broker.bootstrapServers());
            s.put(RegistryConfig.URL, "mock://bench-" + UUID.randomUUID());
            s.putIfAbsent(ProcessorConfig.APPLICATION_ID, "facegate-bench");
            s.put(ProcessorConfig.STATE_DIR, stateDir.toString());
            s.put(ProcessorConfig.HTTP_PORT, "0");
            ProcessorConfig config = ProcessorConfig.fromMap(s);
            registry = SchemaRegistryClients.create(RegistryConfig.fromMap(s));
            app = ProcessorApp.start(config, ProcessorTopics.of(config.topics(), registry));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!app.ready()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the processor did not become ready within 90 s");
                }
                Thread.sleep(50);
            }
            return new PipelineBench(broker, registry, app, config, s, images, Math.max(8, partitions * 4));
        } catch (RuntimeException | InterruptedException e) {
            closeAll(app, registry, broker);
            throw e;
        }
    }

    /** The processor's processing guarantee, as Kafka Streams names it. */
    public String processingGuarantee() {
        return config.streamsProperties().getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
    }

    /** @return where inference runs */
    public String device() {
        return app.device();
    }

    /**
     * Publishes {@code events} at {@code eventsPerSecond} (0: as fast as possible) and waits for
     * every committed decision (or 60 s without a new one).
     */
    public Run load(int events, double eventsPerSecond, PrintWriter out) throws InterruptedException {
        DecisionLedger ledger = new DecisionLedger();
        try (FacegateClients clients = FacegateClients.connect(settings, List.of());
             DecisionCollector collector = new DecisionCollector(clients.committedReader(), clients.topics(), ledger);
             KafkaProducer<String, FaceEvent> producer = clients.producer(clients.topics().cameraFrames())) {
            LoadGenerator generator = new LoadGenerator(producer, clients.topics().cameraFrames().name(), images,
                    doors, ledger);
            generator.publish(events, eventsPerSecond, i -> { });
            if (!collector.awaitDecisions(Duration.ofSeconds(60)) && out != null) {
                out.printf("bench: %d events without a decision after 60 s idle%n", ledger.undecided().size());
            }
        }
        return new Run(ledger.report(0, 0), eventsPerSecond);
    }

    @Override
    public void close() {
        closeAll(app, registry, broker);
    }

    private static void closeAll(ProcessorApp app, SchemaRegistryClient registry, EmbeddedKafkaBroker broker) {
        if (app != null) {
            app.close();
        }
        if (registry != null) {
            try {
                registry.close();
            } catch (Exception e) {
                // closing a registry client only drops caches
            }
        }
        broker.close();
    }
}
