package io.facegate.cli.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.cli.bench.LoadGenerator;
import io.facegate.cli.replay.ReplayReport;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Back-pressure: a burst of large images, published far faster than the processor decides them,
 * must not grow its heap without bound. The processor JVM gets a small heap and exits on the first
 * OutOfMemoryError; the burst is several times that heap. Every event must still get exactly one
 * decision.
 */
class BurstMemoryIT {

  /**
   * 960 x 960 grey = 900 KiB raw: a batch of 16 is about 14 MiB, under processor.batch.max-bytes
   * (16 MiB), so the count bound and the Streams input queue are what this test loads (the byte
   * bound is FacegateTopologyTest's); under the consumer's 1 MiB max.partition.fetch.bytes, so a
   * fetch brings about one image per partition.
   */
  private static final int SIDE = 960;

  private static final int EVENTS = 240;

  @TempDir Path tmp;

  @Test
  void aBurstOfLargeImagesFourTimesTheHeapIsDecidedWithinA128MiBHeap() throws Exception {
    try (ScaleCluster cluster = new ScaleCluster(tmp, 1)) {
      ProcessorJvm processor = cluster.startProcessor("p1", "burst-it", "128m");
      processor.awaitReady(Duration.ofSeconds(90));
      ReplayReport report =
          cluster.run(
              LoadGenerator.noiseImages(SIDE, SIDE, 4, 3),
              EVENTS,
              4,
              0,
              Duration.ofSeconds(60),
              i -> {});
      String detail = report + "\n" + cluster.logs();
      System.out.println(
          "BurstMemoryIT: "
              + EVENTS
              + " events of "
              + (SIDE * SIDE / 1024)
              + " KiB ("
              + (EVENTS * (long) SIDE * SIDE >> 20)
              + " MiB) through a 128 MiB heap: "
              + report.decisionsReceived()
              + " decisions, lost "
              + report.lost()
              + ", duplicated "
              + report.duplicated()
              + "; processor alive "
              + processor.alive());
      assertTrue(processor.alive(), "the processor died (OutOfMemoryError?)\n" + detail);
      assertEquals(0, report.lost(), detail);
      assertEquals(0, report.duplicated(), detail);
      assertEquals(EVENTS, report.decisionsReceived(), detail);
    }
  }
}
