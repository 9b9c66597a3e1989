package io.facegate.cli;

import io.facegate.model.onnx.ModelLoadException;
import io.facegate.platform.broker.BrokerSettings;
import io.facegate.platform.broker.EmbeddedKafkaBroker;
import io.facegate.platform.config.KafkaClientSettings;
import io.facegate.platform.topics.TopicAdmin;
import io.facegate.platform.topics.TopicNames;
import io.facegate.processor.app.ProcessorApp;
import io.facegate.processor.app.ProcessorConfig;
import io.facegate.processor.topology.ProcessorTopics;
import io.facegate.schemas.registry.RegistryConfig;
import io.facegate.schemas.registry.SchemaRegistryClient;
import io.facegate.schemas.registry.SchemaRegistryClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;

/**
 * The whole pipeline in this JVM, for {@code demo} and {@code bench}: an in-process broker with
 * facegate's topics, an in-JVM ({@code mock://}) schema registry, and the processor, started and
 * ready to decide.
 */
public final class LocalPipeline implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final EmbeddedKafkaBroker broker;
  private final SchemaRegistryClient registry;
  private final ProcessorApp app;
  private final ProcessorConfig config;
  private final Map<String, String> settings;

  private LocalPipeline(
      EmbeddedKafkaBroker broker,
      SchemaRegistryClient registry,
      ProcessorApp app,
      ProcessorConfig config,
      Map<String, String> settings) {
    this.broker = broker;
    this.registry = registry;
    this.app = app;
    this.config = config;
    this.settings = settings;
  }

  /**
   * Starts the broker (on a free port, temporary log dir), creates the topics, starts the processor
   * and waits until it is ready.
   *
   * @param processorSettings processor settings (model, device, batch, threads...); the broker,
   *     registry, state dir and http port are filled in here
   * @param partitions partitions of every topic
   * @param stateDir the processor's state directory
   * @param name names the registry scope and, unless set, the application id ({@code
   *     facegate-NAME})
   * @throws CommandFailedException when the model cannot be loaded or the processor is not ready in
   *     90 s
   */
  public static LocalPipeline start(
      Map<String, String> processorSettings, int partitions, Path stateDir, String name)
      throws InterruptedException {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(new BrokerSettings(null, 0, Map.of()));
    SchemaRegistryClient registry = null;
    ProcessorApp app = null;
    try {
      try (Admin admin = Admin.create(broker.clientProperties())) {
        TopicAdmin.createAll(admin, TopicNames.defaults(), partitions);
      }
      Map<String, String> s = new HashMap<>(processorSettings);
      s.put(KafkaClientSettings.BOOTSTRAP_SERVERS, broker.bootstrapServers());
      s.put(RegistryConfig.URL, "mock://" + name + "-" + UUID.randomUUID());
      s.putIfAbsent(ProcessorConfig.APPLICATION_ID, "facegate-" + name);
      s.put(ProcessorConfig.STATE_DIR, stateDir.toString());
      s.put(ProcessorConfig.HTTP_PORT, "0");
      ProcessorConfig config = ProcessorConfig.fromMap(s);
      registry = SchemaRegistryClients.create(RegistryConfig.fromMap(s));
      try {
        app = ProcessorApp.start(config, ProcessorTopics.of(config.topics(), registry));
      } catch (ModelLoadException e) {
        throw new CommandFailedException(e.getMessage(), e);
      }
      long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
      while (!app.ready()) {
        if (System.nanoTime() > deadline) {
          throw new CommandFailedException(
              "the processor did not become ready within "
                  + READY_TIMEOUT.toSeconds()
                  + " s (streams "
                  + app.state()
                  + ")");
        }
        Thread.sleep(50);
      }
      return new LocalPipeline(broker, registry, app, config, s);
    } catch (RuntimeException | InterruptedException e) {
      closeAll(app, registry, broker);
      throw e;
    }
  }

  /**
   * @return every setting in force, including the broker and registry, for clients of this pipeline
   */
  public Map<String, String> settings() {
    return Map.copyOf(settings);
  }

  /**
   * @return the running processor
   */
  public ProcessorApp app() {
    return app;
  }

  /**
   * @return the processor's configuration
   */
  public ProcessorConfig config() {
    return config;
  }

  /**
   * @return the broker's bootstrap address
   */
  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  @Override
  public void close() {
    closeAll(app, registry, broker);
  }

  private static void closeAll(
      ProcessorApp app, SchemaRegistryClient registry, EmbeddedKafkaBroker broker) {
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
