package io.facegate.cli.dashboard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A page's side of the dashboard's event stream: {@code GET /events} read on a daemon thread, each
 * line handed to a consumer, until the server ends the stream or {@link #close()} does. Used by
 * {@code dashboard measure} and the dashboard's tests to stand in for a browser.
 */
public final class EventStreamClient implements AutoCloseable {
  private final Thread reader;
  private volatile InputStream body;
  private volatile boolean ended;

  private EventStreamClient(int port, String threadName, Consumer<String> lines) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    reader =
        new Thread(
            () -> {
              try {
                HttpResponse<InputStream> r =
                    http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                            .header("Accept", "text/event-stream")
                            .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                body = r.body();
                BufferedReader in =
                    new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  lines.accept(line);
                }
              } catch (IOException e) {
                // closed
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              ended = true;
            },
            threadName);
    reader.setDaemon(true);
  }

  /** Opens the stream of the dashboard on {@code port} and starts reading it. */
  public static EventStreamClient open(int port, String threadName, Consumer<String> lines) {
    EventStreamClient c = new EventStreamClient(port, threadName, lines);
    c.reader.start();
    return c;
  }

  /** Whether the stream has ended (the server closed it, or it could not be opened). */
  public boolean ended() {
    return ended;
  }

  @Override
  public void close() throws IOException {
    InputStream b = body;
    if (b != null) {
      b.close();
    }
  }
}
