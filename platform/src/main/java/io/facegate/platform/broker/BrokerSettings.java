package io.facegate.platform.broker;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How to start an {@link EmbeddedKafkaBroker}.
 *
 * @param logDir where the broker keeps its data; {@code null} for a fresh temporary directory that
 *     the broker owns and deletes on {@link EmbeddedKafkaBroker#close()}. A given directory is
 *     created if needed, formatted on first use and never deleted.
 * @param port the client listener port on 127.0.0.1; {@code 0} picks a free one
 * @param extra broker properties that override the defaults (e.g. SASL listener settings and an
 *     authorizer); the listener layout ({@link #RESERVED_KEYS}) cannot be overridden, but {@code
 *     listener.security.protocol.map} can, to secure the {@code BROKER} listener
 * @param formatArguments extra arguments for {@code kafka-storage format} on first start, e.g.
 *     {@code --add-scram SCRAM-SHA-256=[name=admin,password=secret]}
 * @param clientOverrides client properties the broker's own readiness check (and {@link
 *     EmbeddedKafkaBroker#clientProperties()}) adds, e.g. SASL credentials when {@code extra}
 *     secures the listener
 */
public record BrokerSettings(
    Path logDir,
    int port,
    Map<String, String> extra,
    List<String> formatArguments,
    Map<String, String> clientOverrides) {

  /** Keys that define where the broker listens and stores data; the broker sets them itself. */
  public static final Set<String> RESERVED_KEYS =
      Set.of(
          "process.roles",
          "node.id",
          "listeners",
          "advertised.listeners",
          "controller.listener.names",
          "controller.quorum.voters",
          "controller.quorum.bootstrap.servers",
          "inter.broker.listener.name",
          "log.dirs",
          "log.dir");

  /** Validates the port range and reserved keys, and copies the collections into immutable ones. */
  public BrokerSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: must be 0 (free port) or 1-65535, was " + port);
    }
    extra = Map.copyOf(extra);
    for (String key : extra.keySet()) {
      if (RESERVED_KEYS.contains(key)) {
        throw new IllegalArgumentException(
            key + ": set by the embedded broker itself; cannot be overridden");
      }
    }
    formatArguments = List.copyOf(formatArguments);
    clientOverrides = Map.copyOf(clientOverrides);
  }

  /**
   * Settings without format arguments or client overrides.
   *
   * @param logDir data directory, or {@code null} for an owned temporary one
   * @param port client port, or {@code 0} for a free one
   * @param extra broker property overrides
   */
  public BrokerSettings(Path logDir, int port, Map<String, String> extra) {
    this(logDir, port, extra, List.of(), Map.of());
  }

  /**
   * @return a temporary log dir, a free port, no overrides
   */
  public static BrokerSettings defaults() {
    return new BrokerSettings(null, 0, Map.of());
  }

  /**
   * @param dir data directory to use (kept on close)
   * @return a copy with this log dir
   */
  public BrokerSettings withLogDir(Path dir) {
    return new BrokerSettings(dir, port, extra, formatArguments, clientOverrides);
  }

  /**
   * @param clientPort client port on 127.0.0.1, {@code 0} for a free one
   * @return a copy with this port
   */
  public BrokerSettings withPort(int clientPort) {
    return new BrokerSettings(logDir, clientPort, extra, formatArguments, clientOverrides);
  }

  /**
   * @param brokerProperties broker property overrides (replace the current ones)
   * @return a copy with these overrides
   */
  public BrokerSettings withExtra(Map<String, String> brokerProperties) {
    return new BrokerSettings(logDir, port, brokerProperties, formatArguments, clientOverrides);
  }

  /**
   * @param arguments extra {@code kafka-storage format} arguments (replace the current ones)
   * @param clientProperties client properties for the readiness check (replace the current ones)
   * @return a copy with these
   */
  public BrokerSettings withSecurity(List<String> arguments, Map<String, String> clientProperties) {
    return new BrokerSettings(logDir, port, extra, arguments, clientProperties);
  }
}
