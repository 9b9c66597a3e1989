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
 * Where the cluster is, shared by every client subcommand: a settings file, overridden by
 * {@code FACEGATE_*} environment variables, overridden by these options.
 */
public final class ClusterOptions {

    /** What {@code ./facegate broker} listens on by default. */
    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    /** What {@code ./facegate broker} serves its schema registry on by default. */
    public static final String DEFAULT_REGISTRY = "http://127.0.0.1:8081";

    @Option(names = "--config", paramLabel = "FILE", description = "Settings file (Java properties); FACEGATE_* environment variables override it.")
    private Path config;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (default: kafka.bootstrap.servers, else " + DEFAULT_BOOTSTRAP + ").")
    private String bootstrap;

    @Option(names = "--registry", paramLabel = "URL", description = "Schema registry: http(s)://host:port or mock://scope (default: schema.registry.url, else " + DEFAULT_REGISTRY + ").")
    private String registry;

    /** @return the merged settings: file, then environment, then these options */
    public Map<String, String> settings() {
        Map<String, String> merged = new HashMap<>(ConfigSource.load(Optional.ofNullable(config), System.getenv()));
        if (bootstrap != null) {
            merged.put(KafkaClientSettings.BOOTSTRAP_SERVERS, bootstrap);
        }
        merged.putIfAbsent(KafkaClientSettings.BOOTSTRAP_SERVERS, DEFAULT_BOOTSTRAP);
        if (registry != null) {
            merged.put(RegistryConfig.URL, registry);
        }
        merged.putIfAbsent(RegistryConfig.URL, DEFAULT_REGISTRY);
        return merged;
    }
}
