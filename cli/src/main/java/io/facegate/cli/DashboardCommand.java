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

/** {@code facegate dashboard}: a live page of the doors' decisions and the processors, until Ctrl-C. */
@Command(name = "dashboard", mixinStandardHelpOptions = true, subcommands = DashboardMeasureCommand.class,
        description = {"Serve a live page on localhost: each door's latest committed decisions, last-minute rates,",
            "latency percentiles, dead letters, and the processors' health, lag, model and gallery. No face images",
            "unless --show-probes."})
public final class DashboardCommand implements Callable<Integer> {

    /** Where the dashboard listens unless told otherwise. */
    public static final int DEFAULT_PORT = 8090;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ClusterOptions cluster;

    @Option(names = "--port", defaultValue = "" + DEFAULT_PORT, paramLabel = "PORT", description = "Port of the page (default: ${DEFAULT-VALUE}; 0: any free port).")
    private int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS", description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--processor", paramLabel = "URL", defaultValue = "http://127.0.0.1:9464",
            description = "A processor's ops endpoint (its processor.http.port), repeatable (default: ${DEFAULT-VALUE}).")
    private List<URI> processors;

    @Option(names = "--verify-keys", paramLabel = "DIR",
            description = "Verify each decision's signature with the <keyId>.pub.pem keys in DIR and flag bad ones.")
    private Path verifyKeys;

    @Option(names = "--show-probes", description = "Show a small thumbnail of each probe face (off by default: biometric data).")
    private boolean showProbes;

    @Override
    public Integer call() throws IOException, InterruptedException {
        DecisionVerifier verifier = verifyKeys == null ? null : DecisionVerifier.fromDirectory(verifyKeys);
        Map<String, String> settings = cluster.settings();
        String group = settings.getOrDefault(ProcessorConfig.APPLICATION_ID, "facegate-processor");
        PrintWriter out = spec.commandLine().getOut();
        ShutdownHold hold = null;
        try (FacegateClients clients = FacegateClients.connect(settings, List.of());
             Dashboard dashboard = Dashboard.start(clients,
                     new Dashboard.Options(host, port, verifier, processors, group, showProbes))) {
            hold = serveUntilInterrupted(dashboard, out);
        } finally {
            if (hold != null) {
                hold.close();
            }
        }
        return CommandLine.ExitCode.OK;
    }

    /**
     * Prints the page's address and blocks until Ctrl-C. The JVM's shutdown waits (up to 30 s)
     * until the returned hold is closed, so close it after the dashboard.
     */
    static ShutdownHold serveUntilInterrupted(Dashboard dashboard, PrintWriter out) throws InterruptedException {
        out.println("dashboard: http://127.0.0.1:" + dashboard.port() + "/ (Ctrl-C to stop)");
        out.flush();
        ShutdownHold hold = new ShutdownHold();
        hold.stop.await();
        return hold;
    }

    /** Ctrl-C releases {@link #serveUntilInterrupted}; the JVM then waits until this is closed. */
    static final class ShutdownHold implements AutoCloseable {
        private final CountDownLatch stop = new CountDownLatch(1);
        private final CountDownLatch closed = new CountDownLatch(1);

        private ShutdownHold() {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                try {
                    closed.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "facegate-dashboard-shutdown"));
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }
}
