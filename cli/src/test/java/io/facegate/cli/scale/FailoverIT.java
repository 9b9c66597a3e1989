package io.facegate.cli.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.cli.replay.ReplayReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Horizontal scaling under failure: three processor JVMs share one application id over six
 * camera-frames partitions; one is killed with SIGKILL mid-stream; the survivors take over its
 * partitions. Every event gets exactly one committed decision, and every instance did work.
 */
class FailoverIT {

  private static final int EVENTS = 3000;
  private static final int KILL_AT = 1000;

  @TempDir Path tmp;

  @Test
  void killingOneOfThreeInstancesLosesAndDuplicatesNothing() throws Exception {
    try (ScaleCluster cluster = new ScaleCluster(tmp, 6)) {
      List<ProcessorJvm> jvms =
          List.of(
              cluster.startProcessor("p1", "failover-it"),
              cluster.startProcessor("p2", "failover-it"),
              cluster.startProcessor("p3", "failover-it"));
      for (ProcessorJvm p : jvms) {
        p.awaitReady(Duration.ofSeconds(90));
      }
      ProcessorJvm victim = jvms.get(0);
      long[] beforeKill = new long[3];
      ReplayReport report =
          cluster.run(
              EVENTS,
              24,
              250,
              Duration.ofSeconds(45),
              i -> {
                if (i == KILL_AT) {
                  try {
                    for (int j = 0; j < 3; j++) {
                      beforeKill[j] = jvms.get(j).awaitDecisions(1, Duration.ofSeconds(30));
                    }
                    victim.kill();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                  }
                }
              });
      long[] after = {0, jvms.get(1).decisions(), jvms.get(2).decisions()};
      String detail =
          report
              + "\ndecisions per instance before the kill "
              + java.util.Arrays.toString(beforeKill)
              + ", survivors at the end "
              + java.util.Arrays.toString(after)
              + "\n"
              + cluster.logs();
      System.out.println(
          "FailoverIT: "
              + report.eventsSent()
              + " events, "
              + report.decisionsReceived()
              + " decisions, lost "
              + report.lost()
              + ", duplicated "
              + report.duplicated()
              + "; per instance before the kill "
              + java.util.Arrays.toString(beforeKill)
              + ", survivors at the end "
              + java.util.Arrays.toString(after));

      assertEquals(EVENTS, report.eventsSent(), detail);
      assertEquals(0, report.lost(), detail);
      assertEquals(0, report.duplicated(), detail);
      assertEquals(EVENTS, report.decisionsReceived(), detail);
      for (int j = 0; j < 3; j++) {
        assertTrue(
            beforeKill[j] > 0,
            "instance p" + (j + 1) + " had decided nothing before the kill\n" + detail);
      }
      assertTrue(
          after[1] > beforeKill[1] && after[2] > beforeKill[2],
          "a survivor stopped working\n" + detail);
    }
  }
}
