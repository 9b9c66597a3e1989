package io.facegate.cli;

import io.facegate.model.onnx.ModelLoadException;
import io.facegate.processor.app.ProcessorApp;
import io.facegate.processor.app.ProcessorConfig;
import io.facegate.processor.topology.ProcessorTopics;
import io.facegate.schemas.registry.RegistryConfig;
import io.facegate.schemas.registry.SchemaRegistryClient;
import io.facegate.schemas.registry.SchemaRegistryClients;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code facegate processor}: runs the stream processor (camera frames to access decisions) until
 * Ctrl-C, then shuts down gracefully. Settings come from {@code --config} (properties), then {@code
 * FACEGATE_*} environment variables, then these options, each overriding the one before; unlike the
 * client tools it has no default cluster: a service must be told where it runs.
 */
@Command(
    name = "processor",
    mixinStandardHelpOptions = true,
    description = {
      "Run the stream processor: camera frames -> batched ONNX inference -> gallery -> access decisions,",
      "exactly once. Metrics on http://HOST:PORT/metrics, health on /health and /ready."
    })
public final class ProcessorCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Mixin private ClusterOptions cluster;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "Model directory with model.onnx, or the .onnx file (processor.model-dir).")
  private Path model;

  @Option(
      names = "--device",
      paramLabel = "cpu|cuda[:N]|auto",
      description = "Inference device (processor.device; auto: CUDA if it loads, else CPU).")
  private String device;

  @Option(
      names = "--application-id",
      paramLabel = "ID",
      description = "Kafka Streams application id (processor.application-id).")
  private String applicationId;

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      description = "Metrics/health port (processor.http.port; 0 = any).")
  private Integer httpPort;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      description = "Most events per inference call (processor.batch.max-size).")
  private Integer batchSize;

  @Option(
      names = "--batch-wait-ms",
      paramLabel = "MS",
      description = "Longest wait to fill a batch (processor.batch.max-wait-ms).")
  private Integer batchWaitMs;

  @Option(
      names = "--threshold",
      paramLabel = "DIST",
      description =
          "Override the model's calibrated distance threshold (processor.policy.threshold).")
  private Float threshold;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "Kafka Streams state directory (processor.state-dir).")
  private Path stateDir;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> settings = new TreeMap<>(cluster.configured());
    put(settings, ProcessorConfig.MODEL_DIR, model);
    put(settings, ProcessorConfig.DEVICE, device);
    put(settings, ProcessorConfig.APPLICATION_ID, applicationId);
    put(settings, ProcessorConfig.HTTP_PORT, httpPort);
    put(settings, ProcessorConfig.BATCH_MAX_SIZE, batchSize);
    put(settings, ProcessorConfig.BATCH_MAX_WAIT_MS, batchWaitMs);
    put(settings, ProcessorConfig.THRESHOLD, threshold);
    put(settings, ProcessorConfig.STATE_DIR, stateDir);
    ProcessorConfig cfg = ProcessorConfig.fromMap(settings);
    if (!settings.containsKey(RegistryConfig.URL)) {
      throw new CommandFailedException(
          "no schema registry: pass --registry URL or set schema.registry.url");
    }
    PrintWriter err = spec.commandLine().getErr();
    RegistryConfig registryConfig = ClusterOptions.registryConfig(settings);
    try (SchemaRegistryClient registryClient = SchemaRegistryClients.create(registryConfig)) {
      ProcessorApp app;
      try {
        app = ProcessorApp.start(cfg, ProcessorTopics.of(cfg.topics(), registryClient));
      } catch (ModelLoadException e) {
        throw new CommandFailedException(e.getMessage(), e);
      }
      AtomicBoolean stopping = new AtomicBoolean();
      Thread hook =
          new Thread(
              () -> {
                stopping.set(true);
                app.close();
              },
              "facegate-processor-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      err.println(
          "processor running on "
              + app.device()
              + "; metrics on http://0.0.0.0:"
              + app.httpPort()
              + "/metrics. Press Ctrl-C to stop.");
      err.flush();
      while (!app.awaitStop(Duration.ofSeconds(1))) {
        // waiting for Ctrl-C or for Streams to stop by itself
      }
      if (stopping.get()) {
        return CommandLine.ExitCode.OK;
      }
      Runtime.getRuntime().removeShutdownHook(hook);
      String state = app.state().toString();
      app.close();
      throw new CommandFailedException(
          "stream processing stopped: streams " + state + " (see the log above)");
    }
  }

  private static void put(Map<String, String> settings, String key, Object value) {
    if (value != null) {
      settings.put(key, value.toString());
    }
  }
}
