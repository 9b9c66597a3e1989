package io.facegate.processor.topology;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's worker threads: the stream thread hands them work it must not run itself (decoding,
 * inference) and waits for each piece only until its deadline.
 *
 * <p>Work past its deadline is abandoned: its thread is interrupted, and since code that ignores
 * interrupts (ImageIO, native inference) may keep it busy, that thread counts as overdue and a
 * fresh one takes its place, up to {@code maxOverdue} per task, so one bad input cannot starve the
 * events behind it. An overdue thread that finally returns leaves the pool. Threads are daemons and
 * time out when idle; {@link #close()} interrupts whatever still runs.
 */
final class BoundedWorkers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BoundedWorkers.class);

  /** How often a wait for work that has not started yet looks again whether it has. */
  private static final long START_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final ThreadPoolExecutor pool;
  private final int size;
  private final int maxOverdue;
  private final ProcessingObserver observer;
  private final AtomicInteger overdue = new AtomicInteger();

  BoundedWorkers(String name, int size, int maxOverdue, ProcessingObserver observer) {
    this.size = size;
    this.maxOverdue = maxOverdue;
    this.observer = observer;
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads =
        r -> {
          Thread t = new Thread(r, name + "-worker-" + n.incrementAndGet());
          // a worker stuck in code that ignores interrupts must not keep the JVM from exiting
          t.setDaemon(true);
          return t;
        };
    this.pool =
        new ThreadPoolExecutor(
            size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
    pool.allowCoreThreadTimeOut(true);
  }

  /** Starts {@code work} on a worker as soon as one is free. */
  <T> Job<T> submit(Callable<T> work) {
    Job<T> job = new Job<>(work);
    pool.execute(job);
    return job;
  }

  /** Workers still busy with work whose deadline has passed. */
  int overdue() {
    return overdue.get();
  }

  private synchronized void resize() {
    int target = size + Math.min(overdue.get(), maxOverdue);
    if (target > pool.getMaximumPoolSize()) {
      pool.setMaximumPoolSize(target);
      pool.setCorePoolSize(target);
    } else if (target < pool.getMaximumPoolSize()) {
      pool.setCorePoolSize(target);
      pool.setMaximumPoolSize(target);
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  /** One piece of work: done, failed, or abandoned at its deadline. */
  final class Job<T> implements Runnable {
    private static final int QUEUED = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;
    private static final int DROPPED = 3;
    private static final int ABANDONED = 4;

    private final FutureTask<T> task;
    private final AtomicInteger state = new AtomicInteger(QUEUED);
    private volatile long startedAt;

    private Job(Callable<T> work) {
      this.task = new FutureTask<>(work);
    }

    @Override
    public void run() {
      startedAt = System.nanoTime();
      if (!state.compareAndSet(QUEUED, RUNNING)) {
        return;
      }
      try {
        task.run();
      } finally {
        if (!state.compareAndSet(RUNNING, DONE)) {
          // abandoned while it ran: this thread was overdue until now
          overdue.decrementAndGet();
          observer.workerReturned();
          resize();
        }
      }
    }

    /**
     * The result, waiting at most until {@code budgetNanos} after the work started and never past
     * {@code deadline} (both on the {@link System#nanoTime()} clock).
     *
     * @throws TimeoutException the work was abandoned: it did not finish within its time
     * @throws ExecutionException the work threw
     */
    T await(long deadline, long budgetNanos) throws TimeoutException, ExecutionException {
      while (true) {
        long now = System.nanoTime();
        boolean started = state.get() != QUEUED;
        long limit =
            started && budgetNanos < deadline - startedAt ? startedAt + budgetNanos : deadline;
        long wait = limit - now;
        if (wait <= 0) {
          abandon();
          throw new TimeoutException(
              started
                  ? "not done "
                      + TimeUnit.NANOSECONDS.toMillis(now - startedAt)
                      + " ms after it started"
                  : "never started: no worker was free");
        }
        try {
          return task.get(started ? wait : Math.min(wait, START_POLL_NANOS), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          // look again: it may have started meanwhile, which sets its own budget
        } catch (InterruptedException e) {
          abandon();
          Thread.currentThread().interrupt();
          throw new TimeoutException("interrupted while waiting");
        }
      }
    }

    private void abandon() {
      if (state.compareAndSet(QUEUED, DROPPED)) {
        // the queue must not keep it (nor the image it holds) until a worker gets to it
        pool.remove(this);
        task.cancel(false);
      } else if (state.compareAndSet(RUNNING, ABANDONED)) {
        task.cancel(true);
        int now = overdue.incrementAndGet();
        observer.workerOverdue();
        if (now > maxOverdue) {
          LOG.error(
              "{} workers are stuck past their deadline (at most {} are replaced); events "
                  + "of this task are denied until they return",
              now,
              maxOverdue);
        }
        resize();
      }
    }
  }
}
