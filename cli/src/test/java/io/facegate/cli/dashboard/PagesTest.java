package io.facegate.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Pages} behind a real Javalin server on a free port, read by real HTTP clients: a page that
 * stops reading must not hold up the others, and every page gets the full state and then each
 * update once, in order. Messages are {@code full <n>} and {@code n<n> <padding>}, n the update's
 * number.
 */
@Timeout(60)
class PagesTest {

  /**
   * 1.3 s at the 20 ms tick: a reading page on a busy machine keeps up, a stalled one is dropped
   * within seconds.
   */
  private static final int QUEUE = 64;

  private final AtomicLong updates = new AtomicLong();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
  private Pages pages;
  private Javalin web;

  private int serve(int maxPages, int padding) {
    String pad = "x".repeat(padding);
    pages =
        new Pages(
            maxPages,
            QUEUE,
            () -> "full " + updates.get(),
            () -> "n" + updates.incrementAndGet() + " " + pad);
    web = Javalin.create(config -> config.showJavalinBanner = false);
    web.sse("/events", pages::open);
    web.start("127.0.0.1", 0);
    return web.port();
  }

  private void tickEvery(long millis) {
    ticker.scheduleAtFixedRate(pages::tick, millis, millis, TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    ticker.shutdownNow();
    for (AutoCloseable c : open) {
      c.close();
    }
    if (pages != null) {
      pages.close();
    }
    if (web != null) {
      web.stop();
    }
  }

  @Test
  void aStalledPageDoesNotDelayAnotherPage() throws Exception {
    int port = serve(Pages.MAX_PAGES, 64 * 1024);
    Socket stalled = stalledPage(port);
    Page reading = Page.open(port);
    open.add(reading);
    await(() -> pages.count() == 2, "both pages connected");
    tickEvery(20);

    // 400 updates of 64 KiB: far more than the stalled page's socket buffers hold (a few MiB)
    await(() -> reading.last.get() >= 400, "the reading page got 400 updates");
    assertEquals(1, pages.count(), "the stalled page is dropped");
    assertEquals(0, reading.gaps.get(), "the reading page missed or reordered an update");
    assertTrue(reading.firstFull, "the first message is the full state");
    stalled.close();
  }

  @Test
  void aNewPageGetsTheFullStateThenEveryUpdateOnceInOrder() throws Exception {
    int port = serve(Pages.MAX_PAGES, 10);
    tickEvery(2);
    await(() -> updates.get() > 50, "ticks before the page connects");
    Page page = Page.open(port);
    open.add(page);
    await(() -> page.messages.get() > 200, "200 messages");
    assertTrue(page.firstFull, "the first message is the full state");
    assertEquals(
        0, page.gaps.get(), "an update was missed, repeated or reordered after the full state");
  }

  @Test
  void aDroppedPageIsClosedSoThatItsBrowserReconnects() throws Exception {
    int port = serve(Pages.MAX_PAGES, 64 * 1024);
    Socket stalled = stalledPage(port);
    await(() -> pages.count() == 1, "the page connected");
    tickEvery(20);
    await(() -> pages.count() == 0, "the stalled page dropped");
    ticker.shutdownNow();
    // reading now drains what the buffers held; the stream must then end, not hang
    stalled.setSoTimeout(35_000);
    InputStream in = stalled.getInputStream();
    byte[] buf = new byte[64 * 1024];
    while (in.read(buf) >= 0) {
      // drain to the end of the stream
    }
    stalled.close();
  }

  @Test
  void aPageBeyondTheLimitIsClosedAtOnce() throws Exception {
    int port = serve(1, 10);
    Page first = Page.open(port);
    open.add(first);
    await(() -> pages.count() == 1, "the first page connected");
    Page second = Page.open(port);
    open.add(second);
    await(() -> second.ended(), "the second page's stream ended");
    assertEquals(0, second.messages.get());
    assertEquals(1, pages.count());
  }

  @Test
  void aPageThatWentAwayIsRemoved() throws Exception {
    int port = serve(Pages.MAX_PAGES, 10);
    Socket gone = stalledPage(port);
    await(() -> pages.count() == 1, "the page connected");
    gone.close();
    tickEvery(20);
    await(() -> pages.count() == 0, "the closed page removed once a write to it failed");
  }

  @Test
  void closingEndsEveryPagesStream() throws Exception {
    int port = serve(Pages.MAX_PAGES, 10);
    Page a = Page.open(port);
    Page b = Page.open(port);
    open.add(a);
    open.add(b);
    await(
        () -> pages.count() == 2 && a.messages.get() == 1 && b.messages.get() == 1,
        "two pages with their full state");
    pages.close();
    await(() -> a.ended() && b.ended(), "both streams ended");
  }

  /** Connects to the stream and never reads, with a small receive buffer. */
  private Socket stalledPage(int port) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    OutputStream out = s.getOutputStream();
    out.write(
        ("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    open.add(s);
    return s;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not within 20 s: " + what);
      Thread.sleep(10);
    }
  }

  /**
   * A page as a browser's EventSource reads it, checking that update numbers follow the full state
   * one by one.
   */
  private static final class Page implements AutoCloseable {
    final AtomicLong messages = new AtomicLong();
    final AtomicLong last = new AtomicLong(-1);
    final AtomicLong gaps = new AtomicLong();
    volatile boolean firstFull;
    private EventStreamClient stream;

    boolean ended() {
      return stream.ended();
    }

    private void read(String data) {
      long n;
      if (messages.incrementAndGet() == 1) {
        firstFull = data.startsWith("full ");
        n = Long.parseLong(data.substring("full ".length()));
      } else {
        n = Long.parseLong(data.substring(1, data.indexOf(' ')));
        if (n != last.get() + 1) {
          gaps.incrementAndGet();
        }
      }
      last.set(n);
    }

    static Page open(int port) {
      Page p = new Page();
      p.stream =
          EventStreamClient.open(
              port,
              "pages-test-page",
              line -> {
                if (line.startsWith("data: ")) {
                  p.read(line.substring("data: ".length()));
                }
              });
      return p;
    }

    @Override
    public void close() throws IOException {
      stream.close();
    }
  }
}
