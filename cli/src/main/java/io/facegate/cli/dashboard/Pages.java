package io.facegate.cli.dashboard;

import io.javalin.http.sse.SseClient;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open pages, each a server-sent-events stream with its own bounded queue of updates and its
 * own sender, so that a page that stops reading (a frozen tab, a dead network) delays only itself:
 * {@link #tick} never writes to a socket.
 *
 * <p>A page whose queue is full is dropped: nothing more is queued for it and its stream is closed.
 * Its browser's {@code EventSource} then reconnects and, like any new page, is sent the full state
 * first; updates are deltas, so a page never skips one and carries on. Thread-safe.
 */
final class Pages implements AutoCloseable {

  /** Updates a page may be behind, by default (2 s at the 250 ms tick), before it is dropped. */
  static final int QUEUE = 8;

  /**
   * Open pages at most, by default; one more is closed at once (each open page may hold a sender
   * thread).
   */
  static final int MAX_PAGES = 32;

  private static final String EVENT = "update";
  private static final Logger LOG = LoggerFactory.getLogger(Pages.class);

  private final int maxPages;
  private final int queue;
  private final Supplier<String> full;
  private final Supplier<String> next;
  private final Set<Page> open = ConcurrentHashMap.newKeySet();
  private final ExecutorService senders;

  /**
   * Orders a new page's full state against the updates, so that it misses none and gets none twice.
   */
  private final Object order = new Object();

  /**
   * @param maxPages open pages at most
   * @param queue updates a page may be behind
   * @param full the whole state, a new page's first message
   * @param next the update since the previous call, taken once per {@link #tick} for every page
   */
  Pages(int maxPages, int queue, Supplier<String> full, Supplier<String> next) {
    this.maxPages = maxPages;
    this.queue = queue;
    this.full = full;
    this.next = next;
    AtomicInteger n = new AtomicInteger();
    this.senders =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "facegate-dashboard-page-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** A page connected: keeps its stream open and queues the full state for it. */
  void open(SseClient client) {
    synchronized (order) {
      if (open.size() >= maxPages) {
        client.close();
        return;
      }
      client.keepAlive();
      Page page = new Page(client);
      client.onClose(() -> open.remove(page));
      page.offer(full.get());
      open.add(page);
    }
  }

  /** Takes the next update and queues it for every open page; never blocks on a page. */
  void tick() {
    synchronized (order) {
      String update = next.get();
      for (Page page : open) {
        page.offer(update);
      }
    }
  }

  /**
   * @return the pages updates go to
   */
  int count() {
    return open.size();
  }

  @Override
  public void close() {
    open.forEach(Page::drop);
    senders.shutdownNow();
  }

  private final class Page {
    private final SseClient client;
    private final BlockingQueue<String> updates = new ArrayBlockingQueue<>(queue);
    private final AtomicBoolean sending = new AtomicBoolean();

    Page(SseClient client) {
      this.client = client;
    }

    void offer(String message) {
      if (!updates.offer(message)) {
        drop();
      } else if (sending.compareAndSet(false, true)) {
        try {
          senders.execute(this::send);
        } catch (RejectedExecutionException e) {
          // closing
          sending.set(false);
        }
      }
    }

    /**
     * Runs on a sender thread until the queue is empty; a blocked write holds only this page's
     * sender.
     */
    private void send() {
      do {
        for (String m = updates.poll(); m != null; m = updates.poll()) {
          // Javalin closes the client when a write fails (the browser went away)
          if (client.terminated() || !sent(m)) {
            drop();
            break;
          }
        }
        sending.set(false);
      } while (!updates.isEmpty() && sending.compareAndSet(false, true));
    }

    private boolean sent(String message) {
      try {
        client.sendEvent(EVENT, message);
        return true;
      } catch (RuntimeException e) {
        LOG.warn("a page's stream failed; it is dropped", e);
        return false;
      }
    }

    void drop() {
      open.remove(this);
      updates.clear();
      client.close();
    }
  }
}
