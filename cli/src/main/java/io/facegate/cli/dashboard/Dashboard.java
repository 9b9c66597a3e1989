package io.facegate.cli.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.facegate.cli.FacegateClients;
import io.facegate.platform.security.DecisionVerifier;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live door dashboard: a read_committed reader of the decisions ({@link DecisionFeed}), a
 * poller of the processors ({@link ProcessorProbe}), and a small web server (Javalin) that serves
 * the page and pushes one server-sent event per tick to every open page ({@link Pages}: each page
 * has its own queue and sender, so a stalled one delays no other). Batching on the server keeps the
 * page at {@link #TICK} updates whatever the decision rate.
 */
public final class Dashboard implements AutoCloseable {

  /** How often the page is updated. */
  public static final Duration TICK = Duration.ofMillis(250);

  private static final Duration PROBE_EVERY = Duration.ofSeconds(2);
  private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);

  private final ObjectMapper json = new ObjectMapper();
  private final LiveBoard board = new LiveBoard(json);
  private final Pages pages =
      new Pages(Pages.MAX_PAGES, Pages.QUEUE, () -> message(true), () -> message(false));
  private final ProbeThumbnails probes;
  private final ScheduledExecutorService ticker;
  private final DecisionFeed feed;
  private final ProcessorProbe probe;
  private final Javalin web;

  /**
   * What to show and where.
   *
   * @param host interface to listen on (127.0.0.1 by default: the page shows who came in)
   * @param port port, 0 = any free one
   * @param verifier checks each decision's signature, or null to not check
   * @param processors base URLs of the processors' ops endpoints ({@code /metrics}, {@code
   *     /health})
   * @param applicationId the processors' Streams application id (their consumer group)
   * @param showProbes whether to show a thumbnail of each probe image (off: biometric privacy)
   */
  public record Options(
      String host,
      int port,
      DecisionVerifier verifier,
      List<URI> processors,
      String applicationId,
      boolean showProbes) {
    public Options {
      processors = List.copyOf(processors);
    }
  }

  private Dashboard(FacegateClients clients, Options options) {
    this.probes = options.showProbes() ? new ProbeThumbnails() : null;
    this.probe =
        new ProcessorProbe(
            options.processors(), options.applicationId(), clients.kafka().toProperties(), json);
    this.feed = DecisionFeed.start(clients, options.verifier(), board, probes);
    this.ticker =
        Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "facegate-dashboard-tick");
              t.setDaemon(true);
              return t;
            });
    this.web =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.staticFiles.add("/web/dashboard", Location.CLASSPATH);
              config.staticFiles.enableWebjars();
            });
    web.sse("/events", pages::open);
    web.get("/api/state", ctx -> ctx.contentType("application/json").result(message(true)));
  }

  /**
   * Starts reading (from now on), probing and serving.
   *
   * @param clients connected clients of the cluster; they must outlive the dashboard
   */
  public static Dashboard start(FacegateClients clients, Options options) {
    Dashboard d = new Dashboard(clients, options);
    try {
      d.web.start(options.host(), options.port());
      d.ticker.scheduleAtFixedRate(
          d::broadcast, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
      d.ticker.scheduleWithFixedDelay(
          d::probeProcessors, 0, PROBE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
      return d;
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
  }

  /**
   * @return the port the page is served on
   */
  public int port() {
    return web.port();
  }

  private String message(boolean full) {
    Function<String, String> thumbnail = probes == null ? id -> null : probes::thumbnail;
    return board.update(full, System.currentTimeMillis(), thumbnail).toString();
  }

  private void broadcast() {
    try {
      pages.tick();
    } catch (RuntimeException e) {
      // a failed tick must not cancel the schedule
      LOG.warn("dashboard update failed", e);
    }
  }

  private void probeProcessors() {
    try {
      board.processors(probe.poll());
    } catch (RuntimeException e) {
      LOG.warn("probing the processors failed", e);
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    pages.close();
    web.stop();
    feed.close();
    probe.close();
  }
}
