package io.facegate.cli.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.cli.replay.ReplayReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away mid-stream and comes back on the same log dir and port; the processor (its
 * own JVM) recovers without help, and every event still gets exactly one committed decision.
 */
class BrokerRestartIT {

  private static final int EVENTS = 2000;
  private static final int STOP_AT = 600;
  private static final Duration DOWN = Duration.ofSeconds(5);

  @TempDir Path tmp;

  @Test
  void processorRecoversFromABrokerRestartWithoutLosingOrDuplicating() throws Exception {
    try (ScaleCluster cluster = new ScaleCluster(tmp, 3)) {
      ProcessorJvm processor = cluster.startProcessor("p1", "restart-it");
      processor.awaitReady(Duration.ofSeconds(90));
      AtomicReference<Throwable> restartFailure = new AtomicReference<>();
      Thread restarter =
          new Thread(
              () -> {
                try {
                  cluster.broker.stop();
                  Thread.sleep(DOWN.toMillis());
                  cluster.broker.restart();
                } catch (Throwable t) {
                  restartFailure.set(t);
                }
              },
              "broker-restarter");
      long[] beforeStop = new long[1];
      ReplayReport report =
          cluster.run(
              EVENTS,
              12,
              200,
              Duration.ofSeconds(60),
              i -> {
                if (i == STOP_AT) {
                  beforeStop[0] = processor.awaitDecisions(1, Duration.ofSeconds(30));
                  restarter.start();
                }
              });
      restarter.join();
      String detail = report + "\n" + cluster.logs();
      System.out.println(
          "BrokerRestartIT: "
              + report.eventsSent()
              + " events, "
              + report.decisionsReceived()
              + " decisions, lost "
              + report.lost()
              + ", duplicated "
              + report.duplicated()
              + "; decided before the stop "
              + beforeStop[0]
              + "; processor alive "
              + processor.alive());

      String transitions =
          processor
              .log()
              .lines()
              .filter(
                  l ->
                      l.contains("streams state")
                          || l.contains("stream thread died")
                          || l.contains(" ERROR "))
              .collect(java.util.stream.Collectors.joining("\n  ", "  ", ""));
      System.out.println("BrokerRestartIT: processor state changes and errors:\n" + transitions);
      assertTrue(!transitions.contains("stream thread died"), "a stream thread died\n" + detail);

      assertEquals(null, restartFailure.get(), "broker restart failed");
      assertTrue(beforeStop[0] > 0, "nothing decided before the broker stopped\n" + detail);
      assertTrue(processor.alive(), "the processor exited\n" + detail);
      assertEquals(EVENTS, report.eventsSent(), detail);
      assertEquals(0, report.lost(), detail);
      assertEquals(0, report.duplicated(), detail);
      assertEquals(EVENTS, report.decisionsReceived(), detail);
    }
  }
}
