package io.facegate.platform.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka (KRaft, combined broker + controller) running inside this JVM, from the Kafka
 * jars: the embedded default of {@code ./facegate broker} and the real broker of integration tests.
 *
 * <p>It listens on 127.0.0.1 only, on a client port ({@code BROKER} listener) and a controller port
 * ({@code CONTROLLER} listener), both free ports unless the client port is given. Defaults suit one
 * node: replication factor 1 for internal topics (exactly-once needs the transaction log's factor
 * and min ISR at 1), no automatic topic creation, no initial rebalance delay.
 *
 * <p>{@link #stop()} and {@link #restart()} keep the log dir and both ports, so clients reconnect
 * to the same address and find their data: tests use this to crash-test producers, consumers and
 * Streams. {@link #close()} stops it and deletes the log dir if the broker created it.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final int PORT_ATTEMPTS = 3;

  private final BrokerSettings settings;
  private final Path logDir;
  private final boolean ownsLogDir;
  private final int port;
  private final int controllerPort;
  private KafkaRaftServer server;
  private boolean closed;

  private EmbeddedKafkaBroker(
      BrokerSettings settings, Path logDir, boolean ownsLogDir, int port, int controllerPort) {
    this.settings = settings;
    this.logDir = logDir;
    this.ownsLogDir = ownsLogDir;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  /**
   * Formats the log dir if it is new, starts the broker and returns once a client can reach it.
   *
   * @param settings where to listen and store data, and property overrides
   * @return a running broker; close it
   * @throws BrokerStartException with a one-line reason when it cannot start
   */
  public static EmbeddedKafkaBroker start(BrokerSettings settings) {
    boolean owns = settings.logDir() == null;
    Path dir = owns ? createTempLogDir() : prepareLogDir(settings.logDir());
    try {
      for (int attempt = 1; ; attempt++) {
        int[] ports = choosePorts(settings.port());
        EmbeddedKafkaBroker broker =
            new EmbeddedKafkaBroker(settings, dir, owns, ports[0], ports[1]);
        broker.formatIfNew();
        try {
          broker.startServer();
          return broker;
        } catch (BrokerStartException e) {
          // a free port can be taken by another process between choosing it and binding it
          boolean portRace =
              settings.port() == 0 && String.valueOf(e.getMessage()).contains("already in use");
          if (!portRace || attempt == PORT_ATTEMPTS) {
            throw e;
          }
          LOG.warn("port taken while starting ({}); retrying on other free ports", e.getMessage());
        }
      }
    } catch (RuntimeException e) {
      if (owns) {
        deleteRecursively(dir);
      }
      throw e;
    }
  }

  /**
   * @return {@code 127.0.0.1:port}, for {@code bootstrap.servers}
   */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /**
   * @return the client port
   */
  public int port() {
    return port;
  }

  /**
   * @return the data directory
   */
  public Path logDir() {
    return logDir;
  }

  /**
   * @return whether the broker is serving (started and not stopped)
   */
  public synchronized boolean isRunning() {
    return server != null;
  }

  /**
   * Client properties that reach this broker: {@code bootstrap.servers} plus the settings' client
   * overrides (e.g. SASL credentials).
   *
   * @return a fresh, mutable {@link Properties}
   */
  public Properties clientProperties() {
    Properties props = new Properties();
    props.putAll(settings.clientOverrides());
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return props;
  }

  /**
   * Shuts the broker down cleanly, keeping log dir and ports for {@link #restart()}. No-op when
   * stopped.
   */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    long begin = System.nanoTime();
    KafkaRaftServer running = server;
    server = null;
    running.shutdown();
    running.awaitShutdown();
    LOG.info("Kafka broker on {} stopped in {} ms", bootstrapServers(), millisSince(begin));
  }

  /**
   * Stops (if running) and starts the broker again on the same log dir and ports; returns once it
   * serves clients again.
   *
   * @throws BrokerStartException when it cannot start again
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("broker on " + bootstrapServers() + " is closed");
    }
    stop();
    startServer();
  }

  /** Stops the broker and deletes the log dir if this broker created it. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stop();
    } finally {
      if (ownsLogDir) {
        deleteRecursively(logDir);
      }
    }
  }

  private synchronized void startServer() {
    long begin = System.nanoTime();
    ensurePortFree(port, "client port");
    ensurePortFree(controllerPort, "controller port");
    KafkaRaftServer starting;
    try {
      starting = new KafkaRaftServer(new KafkaConfig(brokerProperties()), Time.SYSTEM);
    } catch (RuntimeException e) {
      throw new BrokerStartException("invalid broker configuration: " + e.getMessage(), e);
    }
    try {
      starting.startup();
    } catch (RuntimeException e) {
      shutdownQuietly(starting);
      throw new BrokerStartException(
          "Kafka broker failed to start on " + bootstrapServers() + ": " + e.getMessage(), e);
    }
    server = starting;
    try {
      awaitReady();
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
    LOG.info(
        "Kafka broker serving on {} (log dir {}) after {} ms",
        bootstrapServers(),
        logDir,
        millisSince(begin));
  }

  private void awaitReady() {
    Properties props = clientProperties();
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try (Admin admin = Admin.create(props)) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new BrokerStartException(
                "Kafka broker on "
                    + bootstrapServers()
                    + " did not answer within "
                    + READY_TIMEOUT.toSeconds()
                    + " s",
                e);
          }
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerStartException("interrupted while waiting for the Kafka broker", e);
    }
  }

  private Map<String, String> brokerProperties() {
    Map<String, String> props = new TreeMap<>();
    props.put("process.roles", "broker,controller");
    props.put("node.id", Integer.toString(NODE_ID));
    props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    props.put(
        "listeners",
        "BROKER://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
    props.put("advertised.listeners", "BROKER://" + HOST + ":" + port);
    props.put("listener.security.protocol.map", "BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "BROKER");
    props.put("log.dirs", logDir.toString());
    // one node: every internal topic has exactly one replica, or transactions and groups never
    // start
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "5");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "5");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("default.replication.factor", "1");
    props.put("min.insync.replicas", "1");
    props.put("num.partitions", "1");
    // topics are created explicitly with their configs; a typo must fail, not create a topic
    props.put("auto.create.topics.enable", "false");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.putAll(settings.extra());
    return props;
  }

  private void formatIfNew() {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    Path config = null;
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    try {
      config = Files.createTempFile("facegate-kraft-", ".properties");
      Properties props = new Properties();
      props.putAll(brokerProperties());
      try (OutputStream out = Files.newOutputStream(config)) {
        props.store(out, "facegate embedded broker: storage format");
      }
      List<String> args =
          new ArrayList<>(
              List.of("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()));
      args.addAll(settings.formatArguments());
      int rc;
      try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
        rc = StorageTool.execute(args.toArray(String[]::new), print);
      }
      if (rc != 0) {
        throw new BrokerStartException(
            "formatting log dir "
                + logDir
                + " failed: "
                + output.toString(StandardCharsets.UTF_8).trim());
      }
    } catch (IOException e) {
      throw new BrokerStartException(
          "cannot write the storage format config: " + e.getMessage(), e);
    } catch (BrokerStartException e) {
      throw e;
    } catch (RuntimeException e) {
      // StorageTool reports bad arguments and unusable directories as exceptions
      throw new BrokerStartException(
          "formatting log dir " + logDir + " failed: " + e.getMessage(), e);
    } finally {
      if (config != null) {
        deleteQuietly(config);
      }
    }
  }

  private static Path createTempLogDir() {
    try {
      return Files.createTempDirectory("facegate-kafka-");
    } catch (IOException e) {
      throw new BrokerStartException("cannot create a temporary log dir: " + e.getMessage(), e);
    }
  }

  private static Path prepareLogDir(Path dir) {
    Path absolute = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(absolute);
    } catch (IOException e) {
      throw new BrokerStartException("log dir " + absolute + " cannot be created: " + e, e);
    }
    if (!Files.isWritable(absolute)) {
      throw new BrokerStartException("log dir " + absolute + " is not writable");
    }
    return absolute;
  }

  /**
   * Picks free ports now and keeps them for the broker's lifetime, so restarts keep the address.
   */
  private static int[] choosePorts(int requestedClientPort) {
    try (ServerSocket controller = bindLoopback(0)) {
      if (requestedClientPort != 0) {
        ensurePortFree(requestedClientPort, "port");
        return new int[] {requestedClientPort, controller.getLocalPort()};
      }
      try (ServerSocket client = bindLoopback(0)) {
        return new int[] {client.getLocalPort(), controller.getLocalPort()};
      }
    } catch (IOException e) {
      throw new BrokerStartException("no free loopback port: " + e.getMessage(), e);
    }
  }

  private static void ensurePortFree(int port, String what) {
    try (ServerSocket probe = bindLoopback(port)) {
      probe.getLocalPort();
    } catch (IOException e) {
      throw new BrokerStartException(what + " " + port + " on " + HOST + " is already in use", e);
    }
  }

  private static ServerSocket bindLoopback(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    try {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  private static void shutdownQuietly(KafkaRaftServer failed) {
    try {
      failed.shutdown();
      failed.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("cleanup after a failed broker start also failed: {}", e.toString());
    }
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", file, e.toString());
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure)
                throws IOException {
              if (failure != null) {
                throw failure;
              }
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete broker log dir " + root, e);
    }
  }
}
