package io.facegate.processor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BoundedWorkersTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private final BoundedWorkers workers = new BoundedWorkers("test", 1, 1, ProcessingObserver.NONE);

  @AfterEach
  void close() {
    release.countDown();
    workers.close();
  }

  private static long in(long millis) {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
  }

  /** Blocks, deaf to interrupts, until released; reports whether it ever saw one. */
  private boolean stuck() {
    boolean interrupted = false;
    while (true) {
      try {
        if (release.await(5, TimeUnit.SECONDS)) {
          return interrupted;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }

  @Test
  void returnsTheResultOrTheFailureOfTheWork() throws Exception {
    assertEquals(42, workers.submit(() -> 42).await(in(1000), Long.MAX_VALUE));
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () ->
                workers
                    .submit(
                        () -> {
                          throw new IllegalStateException("boom");
                        })
                    .await(in(1000), Long.MAX_VALUE));
    assertEquals("boom", e.getCause().getMessage());
  }

  @Test
  void overdueWorkerIsInterruptedReplacedAndLeavesWhenItReturns() throws Exception {
    BoundedWorkers.Job<Boolean> hung = workers.submit(this::stuck);
    assertThrows(TimeoutException.class, () -> hung.await(in(5000), 100_000_000L));
    assertEquals(1, workers.overdue());
    // the replacement runs new work although the only regular worker is still stuck
    assertEquals("next", workers.submit(() -> "next").await(in(2000), Long.MAX_VALUE));
    release.countDown();
    long deadline = in(5000);
    while (workers.overdue() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(0, workers.overdue());
  }

  @Test
  void workThatNeverStartedIsDroppedAtTheDeadlineAndNeverRuns() throws Exception {
    // the regular worker and its one allowed replacement both hang
    for (int i = 0; i < 2; i++) {
      BoundedWorkers.Job<Boolean> hung = workers.submit(this::stuck);
      assertThrows(TimeoutException.class, () -> hung.await(in(5000), 50_000_000L));
    }
    assertEquals(2, workers.overdue());
    AtomicBoolean ran = new AtomicBoolean();
    BoundedWorkers.Job<Boolean> queued = workers.submit(() -> ran.getAndSet(true));
    long t0 = System.nanoTime();
    TimeoutException e =
        assertThrows(TimeoutException.class, () -> queued.await(in(200), 50_000_000L));
    assertTrue(e.getMessage().contains("never started"), e.getMessage());
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "waited to the deadline only");
    release.countDown();
    assertEquals("fresh", workers.submit(() -> "fresh").await(in(5000), Long.MAX_VALUE));
    assertFalse(ran.get(), "dropped work is not run later");
  }
}
