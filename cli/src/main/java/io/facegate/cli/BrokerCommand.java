package io.facegate.cli;

import io.facegate.platform.broker.BrokerSettings;
import io.facegate.platform.broker.EmbeddedKafkaBroker;
import io.facegate.platform.config.ConfigSource;
import io.facegate.platform.topics.TopicAdmin;
import io.facegate.platform.topics.TopicCatalogue;
import io.facegate.platform.topics.TopicNames;
import io.facegate.schemas.registry.LocalRegistryServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code facegate broker}: a single-node Kafka (KRaft) inside this process, with facegate's topics,
 * until Ctrl-C. Prints {@code bootstrap: 127.0.0.1:PORT} once the topics exist, so scripts can wait
 * for that line.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Run a single-node Kafka broker (KRaft) in this process with facegate's topics, until Ctrl-C.",
      "Prints 'bootstrap: 127.0.0.1:PORT' on stdout when ready."
    })
public final class BrokerCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "9092",
      paramLabel = "PORT",
      description = "Client port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  private int port;

  @Option(
      names = "--log-dir",
      paramLabel = "DIR",
      description =
          "Keep the broker's data here (created if missing, kept on exit). "
              + "Default: a temporary directory, deleted on exit.")
  private Path logDir;

  @Option(
      names = "--partitions",
      defaultValue = "" + TopicCatalogue.DEFAULT_PARTITIONS,
      paramLabel = "N",
      description =
          "Partitions of camera-frames and the decision topics (the others get at most 3); processor instances"
              + " beyond this sit idle (default: ${DEFAULT-VALUE}).")
  private int partitions;

  @Option(
      names = "--registry-port",
      defaultValue = "8081",
      paramLabel = "PORT",
      description =
          "Serve a local schema registry (Confluent API subset, in memory) on 127.0.0.1:PORT so that separate "
              + "facegate processes share schema ids; 0 picks a free one, -1 serves none (default: ${DEFAULT-VALUE}).")
  private int registryPort;

  @Option(names = "--no-topics", description = "Do not create facegate's topics.")
  private boolean noTopics;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "Properties file (topics.* names); FACEGATE_* environment variables override it.")
  private Path config;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--port must be 0-65535, was " + port);
    }
    if (partitions < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--partitions must be at least 1, was " + partitions);
    }
    Map<String, String> settings = ConfigSource.load(Optional.ofNullable(config), System.getenv());
    TopicNames names = TopicNames.fromMap(settings);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();

    if (registryPort < -1 || registryPort > 65535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--registry-port must be -1-65535, was " + registryPort);
    }
    LocalRegistryServer registry = null;
    if (registryPort >= 0) {
      try {
        registry = LocalRegistryServer.start(registryPort, "facegate-broker");
      } catch (IOException e) {
        throw new CommandFailedException(
            "cannot serve the schema registry on 127.0.0.1:"
                + registryPort
                + ": "
                + e.getMessage()
                + " (pick another with --registry-port, or -1 for none)",
            e);
      }
    }
    LocalRegistryServer servedRegistry = registry;
    EmbeddedKafkaBroker broker;
    try {
      broker = EmbeddedKafkaBroker.start(new BrokerSettings(logDir, port, Map.of()));
    } catch (RuntimeException e) {
      if (servedRegistry != null) {
        servedRegistry.close();
      }
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              try {
                if (servedRegistry != null) {
                  servedRegistry.close();
                }
                broker.close();
                err.println("broker stopped");
                err.flush();
              } finally {
                stopped.countDown();
              }
            },
            "facegate-broker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      if (!noTopics) {
        try (Admin admin = Admin.create(broker.clientProperties())) {
          TopicAdmin.createAll(admin, names, partitions);
        }
        err.println(
            "topics: " + String.join(", ", names.all()) + " (" + partitions + " partitions each)");
      }
      err.println(
          "log dir: " + broker.logDir() + (logDir == null ? " (temporary, deleted on exit)" : ""));
      out.println("bootstrap: " + broker.bootstrapServers());
      if (servedRegistry != null) {
        out.println("registry: " + servedRegistry.url());
      }
      out.flush();
      err.println(
          "Clients: export FACEGATE_KAFKA_BOOTSTRAP_SERVERS="
              + broker.bootstrapServers()
              + "   Press Ctrl-C to stop.");
      err.flush();
    } catch (RuntimeException e) {
      Runtime.getRuntime().removeShutdownHook(hook);
      if (servedRegistry != null) {
        servedRegistry.close();
      }
      broker.close();
      throw e;
    }
    stopped.await();
    return CommandLine.ExitCode.OK;
  }
}
