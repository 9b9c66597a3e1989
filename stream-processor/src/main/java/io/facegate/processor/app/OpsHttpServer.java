package io.facegate.processor.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operations endpoint: {@code /metrics} (Prometheus text), {@code /health} (liveness: 200
 * unless the application has failed) and {@code /ready} (200 once the model is loaded and the
 * gallery restored, and Streams is running). Uses the JDK's HTTP server: no extra dependency.
 */
public final class OpsHttpServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  private OpsHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts listening on {@code port} (0 = any free port) on all interfaces.
   *
   * @param health why the application is not alive, or null when it is
   * @param ready whether it is ready to decide
   */
  public static OpsHttpServer start(
      int port, Supplier<String> scrape, Supplier<String> health, BooleanSupplier ready) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
      ExecutorService executor =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "facegate-ops-http");
                t.setDaemon(true);
                return t;
              });
      server.setExecutor(executor);
      server.createContext(
          "/metrics",
          ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", scrape.get()));
      server.createContext(
          "/health",
          ex -> {
            String problem = health.get();
            respond(
                ex,
                problem == null ? 200 : 503,
                "text/plain",
                problem == null ? "UP\n" : "DOWN " + problem + "\n");
          });
      server.createContext(
          "/ready",
          ex -> {
            boolean ok = ready.getAsBoolean();
            respond(ex, ok ? 200 : 503, "text/plain", ok ? "READY\n" : "NOT READY\n");
          });
      server.start();
      return new OpsHttpServer(server, executor);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + port + " (processor.http.port)", e);
    }
  }

  private static void respond(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
