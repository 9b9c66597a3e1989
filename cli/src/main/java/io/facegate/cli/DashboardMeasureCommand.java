package io.facegate.cli;

import io.facegate.cli.dashboard.Dashboard;
import io.facegate.cli.dashboard.EventStreamClient;
import io.facegate.platform.broker.BrokerSettings;
import io.facegate.platform.broker.EmbeddedKafkaBroker;
import io.facegate.platform.config.KafkaClientSettings;
import io.facegate.platform.topics.Topic;
import io.facegate.platform.topics.TopicAdmin;
import io.facegate.platform.topics.TopicNames;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.Outcome;
import io.facegate.schemas.SourceCoordinates;
import io.facegate.schemas.registry.RegistryConfig;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code facegate dashboard measure}: the dashboard under load. An in-process broker, decisions
 * written at a fixed rate in transactions (as the processor commits them; no model runs), the
 * dashboard, and one page (a server-sent-events reader) that counts what it receives. Prints the
 * page's update rate and the CPU the dashboard's threads used.
 */
@Command(
    name = "measure",
    mixinStandardHelpOptions = true,
    description =
        "Measure the dashboard at a decision rate: page updates/s, decisions delivered/s, server CPU.")
public final class DashboardMeasureCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(
      names = "--rate",
      defaultValue = "500",
      paramLabel = "R",
      description = "Decisions per second (default: ${DEFAULT-VALUE}).")
  private int rate;

  @Option(
      names = "--seconds",
      defaultValue = "30",
      paramLabel = "S",
      description = "Measured seconds (default: ${DEFAULT-VALUE}).")
  private int seconds;

  @Option(
      names = "--doors",
      defaultValue = "20",
      paramLabel = "N",
      description = "Doors the decisions are spread over (default: ${DEFAULT-VALUE}).")
  private int doors;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(new BrokerSettings(null, 0, Map.of()))) {
      try (Admin admin = Admin.create(broker.clientProperties())) {
        TopicAdmin.createAll(admin, TopicNames.defaults(), 2);
      }
      Map<String, String> settings = new HashMap<>();
      settings.put(KafkaClientSettings.BOOTSTRAP_SERVERS, broker.bootstrapServers());
      settings.put(RegistryConfig.URL, "mock://dashboard-measure-" + UUID.randomUUID());
      try (FacegateClients clients = FacegateClients.connect(settings, List.of());
          Dashboard dashboard =
              Dashboard.start(
                  clients,
                  new Dashboard.Options(
                      "127.0.0.1", 0, null, List.of(), "facegate-processor", false));
          KafkaProducer<String, AccessDecision> producer = transactional(clients)) {
        Page page = Page.open(dashboard.port());
        Thread.sleep(2000);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu0 = dashboardCpuNanos(threads);
        long proc0 = processCpuNanos();
        long updates0 = page.updates.get();
        long carried0 = page.decisions.get();
        long bytes0 = page.bytes.get();
        long t0 = System.nanoTime();
        long sent = produce(producer, clients.topics().accessDecisions(), t0);
        long wall = System.nanoTime() - t0;
        Thread.sleep(Dashboard.TICK.toMillis() * 2);
        double secs = wall / 1e9;
        double cpu = (dashboardCpuNanos(threads) - cpu0) / (double) wall;
        double proc = (processCpuNanos() - proc0) / (double) wall;
        out.printf(
            "decisions written: %d in %.1f s (%.0f/s, %d doors)%n", sent, secs, sent / secs, doors);
        out.printf(
            "page updates: %.2f/s; decisions listed on the page: %.0f/s; SSE payload %.1f KiB/s%n",
            (page.updates.get() - updates0) / secs,
            (page.decisions.get() - carried0) / secs,
            (page.bytes.get() - bytes0) / 1024.0 / secs);
        out.printf(
            "dashboard threads' CPU: %.1f %% of one core (whole JVM with the broker and the writer: %.1f %%) on %d cores%n",
            cpu * 100, proc * 100, Runtime.getRuntime().availableProcessors());
        out.flush();
        page.close();
      }
    }
    return CommandLine.ExitCode.OK;
  }

  private KafkaProducer<String, AccessDecision> transactional(FacegateClients clients) {
    Properties p = clients.kafka().toProperties();
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "dashboard-measure-" + UUID.randomUUID());
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    Topic<String, AccessDecision> topic = clients.topics().accessDecisions();
    KafkaProducer<String, AccessDecision> producer =
        new KafkaProducer<>(p, topic.keySerde().serializer(), topic.valueSerde().serializer());
    producer.initTransactions();
    return producer;
  }

  /** One transaction per 100 ms, as the processor commits (commit.interval.ms 100). */
  private long produce(
      KafkaProducer<String, AccessDecision> producer, Topic<String, AccessDecision> topic, long t0)
      throws InterruptedException {
    DecisionReason[] denied = {
      DecisionReason.NO_MATCH, DecisionReason.IDENTITY_MISMATCH, DecisionReason.BAD_IMAGE
    };
    long sent = 0;
    long end = t0 + Duration.ofSeconds(seconds).toNanos();
    for (long tick = 0; ; tick++) {
      long due = t0 + tick * 100_000_000L;
      if (due >= end) {
        return sent;
      }
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      long target = (tick + 1) * rate / 10;
      producer.beginTransaction();
      for (; sent < target; sent++) {
        Instant now = Instant.now();
        boolean grant = sent % 4 != 0;
        String door = "door-" + (sent % doors);
        AccessDecision d =
            AccessDecision.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setCameraId("cam-" + (sent % doors))
                .setDoorId(door)
                .setOutcome(grant ? Outcome.GRANTED : Outcome.DENIED)
                .setReason(grant ? DecisionReason.MATCH : denied[(int) (sent / 4 % denied.length)])
                .setMatchedIdentity(grant ? "person-" + (sent % 97) : null)
                .setDistance(grant ? 0.3f : 0.9f)
                .setThreshold(0.6f)
                .setModelVersion("measure")
                .setCaptureTime(now.minusMillis(20 + sent % 50))
                .setDecidedAt(now)
                .setProcessingLatencyMs(10)
                .setSource(new SourceCoordinates("camera-frames", 0, sent))
                .build();
        producer.send(new ProducerRecord<>(topic.name(), door, d));
      }
      producer.commitTransaction();
    }
  }

  private static long dashboardCpuNanos(ThreadMXBean threads) {
    long total = 0;
    for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      String name = info.getThreadName();
      // the reader, the ticker and Jetty's pool (Javalin names it JettyServerThreadPool)
      if (name.startsWith("facegate-dashboard") || name.startsWith("JettyServerThreadPool")) {
        long t = threads.getThreadCpuTime(info.getThreadId());
        total += Math.max(0, t);
      }
    }
    return total;
  }

  private static long processCpuNanos() {
    return ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
        .getProcessCpuTime();
  }

  /**
   * A page as the browser opens it: one SSE stream, counting updates, listed decisions and bytes.
   */
  private static final class Page implements AutoCloseable {
    final AtomicLong updates = new AtomicLong();
    final AtomicLong decisions = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    private EventStreamClient stream;

    private void read(String line) {
      bytes.addAndGet(line.length() + 1);
      if (line.startsWith("data:")) {
        updates.incrementAndGet();
        int at = 0;
        while ((at = line.indexOf("\"eventId\"", at + 1)) > 0) {
          decisions.incrementAndGet();
        }
      }
    }

    static Page open(int port) {
      Page p = new Page();
      p.stream = EventStreamClient.open(port, "measure-page", p::read);
      return p;
    }

    @Override
    public void close() throws java.io.IOException {
      stream.close();
    }
  }
}
