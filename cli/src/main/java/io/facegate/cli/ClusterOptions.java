package io.facegate.cli;

import io.facegate.platform.config.ConfigSource;
import io.facegate.platform.config.KafkaClientSettings;
import io.facegate.schemas.registry.RegistryConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the cluster is, shared by every subcommand that talks to one (a picocli {@code @Mixin}): a
 * settings file, overridden by {@code FACEGATE_*} environment variables, overridden by these
 * options.
 */
public final class ClusterOptions {

  /** What {@code ./facegate broker} listens on by default. */
  public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

  /** What {@code ./facegate broker} serves its schema registry on by default. */
  public static final String DEFAULT_REGISTRY = "http://127.0.0.1:8081";

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "Settings file (Java properties); FACEGATE_* environment variables override it.")
  private Path config;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description =
          "Kafka bootstrap servers (default: kafka.bootstrap.servers; client tools fall back to "
              + DEFAULT_BOOTSTRAP
              + ").")
  private String bootstrap;

  @Option(
      names = "--registry",
      paramLabel = "URL",
      description =
          "Schema registry: http(s)://host:port or mock://scope (default: schema.registry.url; client tools fall back to "
              + DEFAULT_REGISTRY
              + ").")
  private String registry;

  /**
   * For the tools a person runs beside {@code ./facegate broker}: what is not configured means the
   * local broker and registry.
   *
   * @return the merged settings: file, then environment, then these options, then the local
   *     defaults
   */
  public Map<String, String> settings() {
    Map<String, String> merged = configured();
    merged.putIfAbsent(KafkaClientSettings.BOOTSTRAP_SERVERS, DEFAULT_BOOTSTRAP);
    merged.putIfAbsent(RegistryConfig.URL, DEFAULT_REGISTRY);
    return merged;
  }

  /**
   * For services, which must be told where their cluster is rather than guess.
   *
   * @return a mutable copy of the merged settings: file, then environment, then these options; no
   *     defaults
   */
  public Map<String, String> configured() {
    Map<String, String> merged =
        new HashMap<>(ConfigSource.load(Optional.ofNullable(config), System.getenv()));
    if (bootstrap != null) {
      merged.put(KafkaClientSettings.BOOTSTRAP_SERVERS, bootstrap);
    }
    if (registry != null) {
      merged.put(RegistryConfig.URL, registry);
    }
    return merged;
  }

  /**
   * The registry settings, with a malformed one reported as a one-line failure that names its key.
   *
   * @param settings merged settings, e.g. from {@link #settings()}
   * @return the validated registry settings
   * @throws CommandFailedException when {@code schema.registry.url} or a registry TLS/auth key is
   *     invalid
   */
  public static RegistryConfig registryConfig(Map<String, String> settings) {
    try {
      return RegistryConfig.fromMap(settings);
    } catch (IllegalArgumentException e) {
      // RegistryConfig's messages start with the key at fault
      throw new CommandFailedException(e.getMessage(), e);
    }
  }
}
