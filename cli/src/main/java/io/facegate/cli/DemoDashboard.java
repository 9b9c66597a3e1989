package io.facegate.cli;

import io.facegate.cli.dashboard.Dashboard;
import io.facegate.processor.app.ProcessorConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;

/**
 * {@code demo --dashboard}: the dashboard on the demo's in-process pipeline, serving during the
 * replay, and afterwards holding the pipeline up until Ctrl-C. Without the option it does nothing.
 */
final class DemoDashboard implements AutoCloseable {

  private final FacegateClients clients;
  private final Dashboard dashboard;
  private final PrintWriter out;

  private DemoDashboard(FacegateClients clients, Dashboard dashboard, PrintWriter out) {
    this.clients = clients;
    this.dashboard = dashboard;
    this.out = out;
  }

  /**
   * @param port the page's port, or null for no dashboard
   */
  static DemoDashboard start(LocalPipeline pipeline, Integer port, PrintWriter out) {
    if (port == null) {
      return new DemoDashboard(null, null, out);
    }
    FacegateClients clients = FacegateClients.connect(pipeline.settings(), List.of());
    try {
      Dashboard d =
          Dashboard.start(
              clients,
              new Dashboard.Options(
                  "127.0.0.1",
                  port,
                  null,
                  List.of(URI.create("http://127.0.0.1:" + pipeline.app().httpPort())),
                  pipeline.settings().get(ProcessorConfig.APPLICATION_ID),
                  false));
      out.println("==> dashboard: http://127.0.0.1:" + d.port() + "/");
      out.flush();
      return new DemoDashboard(clients, d, out);
    } catch (RuntimeException e) {
      clients.close();
      throw e;
    }
  }

  /**
   * After the replay: keeps everything running until Ctrl-C (no-op without a dashboard).
   *
   * @return the hold on the JVM's shutdown, for the caller to close once everything else is closed
   *     and cleaned up (closing it lets a shutdown halt the JVM), or null without a dashboard
   */
  DashboardCommand.ShutdownHold holdUntilInterrupted() throws InterruptedException {
    if (dashboard == null) {
      return null;
    }
    DashboardCommand.ShutdownHold hold = DashboardCommand.ShutdownHold.register();
    DashboardCommand.announce(dashboard, out);
    hold.awaitStop();
    return hold;
  }

  @Override
  public void close() {
    if (dashboard != null) {
      dashboard.close();
      clients.close();
    }
  }
}
