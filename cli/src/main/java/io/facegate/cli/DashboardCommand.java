package io.facegate.cli;

import io.facegate.cli.dashboard.Dashboard;
import io.facegate.platform.security.DecisionVerifier;
import io.facegate.processor.app.ProcessorConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code facegate dashboard}: a live page of the doors' decisions and the processors, until Ctrl-C.
 */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    subcommands = DashboardMeasureCommand.class,
    description = {
      "Serve a live page on localhost: each door's latest committed decisions, last-minute rates,",
      "latency percentiles, dead letters, and the processors' health, lag, model and gallery. No face images",
      "unless --show-probes."
    })
public final class DashboardCommand implements Callable<Integer> {

  /** Where the dashboard listens unless told otherwise. */
  public static final int DEFAULT_PORT = 8090;

  @Spec private CommandSpec spec;

  @Mixin private ClusterOptions cluster;

  @Option(
      names = "--port",
      defaultValue = "" + DEFAULT_PORT,
      paramLabel = "PORT",
      description = "Port of the page (default: ${DEFAULT-VALUE}; 0: any free port).")
  private int port;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      paramLabel = "ADDRESS",
      description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
  private String host;

  @Option(
      names = "--processor",
      paramLabel = "URL",
      defaultValue = "http://127.0.0.1:9464",
      description =
          "A processor's ops endpoint (its processor.http.port), repeatable (default: ${DEFAULT-VALUE}).")
  private List<URI> processors;

  @Option(
      names = "--verify-keys",
      paramLabel = "DIR",
      description =
          "Verify each decision's signature with the <keyId>.pub.pem keys in DIR and flag bad ones.")
  private Path verifyKeys;

  @Option(
      names = "--show-probes",
      description = "Show a small thumbnail of each probe face (off by default: biometric data).")
  private boolean showProbes;

  @Override
  public Integer call() throws IOException, InterruptedException {
    DecisionVerifier verifier =
        verifyKeys == null ? null : DecisionVerifier.fromDirectory(verifyKeys);
    Map<String, String> settings = cluster.settings();
    PrintWriter out = spec.commandLine().getOut();
    try (ShutdownHold hold = ShutdownHold.register()) {
      // closed in reverse: the dashboard (its reader, prober and server), then the clients
      try (FacegateClients clients = FacegateClients.connect(settings, List.of());
          Dashboard dashboard = Dashboard.start(clients, options(settings, verifier))) {
        announce(dashboard, out);
        hold.awaitStop();
      }
      // said while the hold still keeps the JVM up: once it is closed, a shutdown may halt
      // the JVM before another line is written
      out.println("dashboard: stopped");
      out.flush();
    }
    return CommandLine.ExitCode.OK;
  }

  /** What the parsed options ask the dashboard for. */
  Dashboard.Options options(Map<String, String> settings, DecisionVerifier verifier) {
    String group = settings.getOrDefault(ProcessorConfig.APPLICATION_ID, "facegate-processor");
    return new Dashboard.Options(host, port, verifier, processors, group, showProbes);
  }

  static void announce(Dashboard dashboard, PrintWriter out) {
    out.println("dashboard: http://127.0.0.1:" + dashboard.port() + "/ (Ctrl-C to stop)");
    out.flush();
  }

  /**
   * Holds the JVM's shutdown (Ctrl-C, SIGTERM) until the dashboard is closed: the shutdown hook
   * releases {@link #awaitStop} and then waits, up to 30 s, for {@link #close}. Closed without a
   * shutdown (an error, an interrupt), it takes its hook back.
   */
  static final class ShutdownHold implements AutoCloseable {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook =
        new Thread(
            () -> {
              stop.countDown();
              try {
                closed.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "facegate-dashboard-shutdown");

    private ShutdownHold() {}

    static ShutdownHold register() {
      ShutdownHold hold = new ShutdownHold();
      Runtime.getRuntime().addShutdownHook(hold.hook);
      return hold;
    }

    /** Blocks until the JVM begins to shut down. */
    void awaitStop() throws InterruptedException {
      stop.await();
    }

    @Override
    public void close() {
      closed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the shutdown is under way: the hook is running and now returns
      }
    }
  }
}
