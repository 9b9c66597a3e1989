package io.facegate.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A processor's ops endpoints as the probe reads them, served by the JDK's HTTP server. */
@Timeout(30)
class ProcessorProbeTest {

  private HttpServer server;
  private ProcessorProbe probe;

  private URI serve(Map<String, Integer> status, Map<String, String> bodies) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    for (String path : List.of("/health", "/ready", "/metrics")) {
      server.createContext(
          path,
          exchange -> {
            byte[] body = bodies.getOrDefault(path, "").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(
                status.getOrDefault(path, 200), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
    }
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private ProcessorProbe probe(URI processor) {
    Properties kafka = new Properties();
    kafka.put("bootstrap.servers", "127.0.0.1:1");
    probe = new ProcessorProbe(List.of(processor), "facegate-processor", kafka, new ObjectMapper());
    return probe;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
    if (probe != null) {
      probe.close();
    }
  }

  @Test
  void readsHealthModelAndCountsDespiteMalformedAndNonFiniteMetrics() throws Exception {
    URI base =
        serve(
            Map.of(),
            Map.of(
                "/metrics",
                """
                # TYPE facegate_model_info gauge
                facegate_model_info{model_version="m-7 {beta}",device="cpu"} 1
                facegate_gallery_identities NaN
                facegate_events_total{partition="0"} 40
                facegate_events_total{partition="1"} 2
                facegate_dead_letters_total +Inf
                this line is { not "prometheus
                facegate_events_total{partition="2"} twelve
                """));

    ObjectNode o = probe(base).instance(base);

    assertEquals("UP", o.get("health").asText());
    assertTrue(o.get("ready").asBoolean());
    assertEquals("m-7 {beta}", o.get("modelVersion").asText());
    assertTrue(o.get("gallery").isNull(), "NaN is shown as unknown, not as 0");
    assertEquals(42, o.get("eventsRead").asLong());
    assertTrue(o.get("deadLetters").isNull(), "+Inf is shown as unknown");
  }

  @Test
  void anUnhealthyProcessorShowsWhatItSays() throws Exception {
    URI base =
        serve(
            Map.of("/health", 503, "/ready", 503, "/metrics", 500),
            Map.of("/health", "  DOWN: gallery not loaded\n"));

    ObjectNode o = probe(base).instance(base);

    assertEquals("DOWN: gallery not loaded", o.get("health").asText());
    assertFalse(o.get("ready").asBoolean());
    assertFalse(o.has("modelVersion"));
  }

  @Test
  void anUnreachableProcessorIsShownAsSuch() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    URI base = URI.create("http://127.0.0.1:" + closed);

    ObjectNode o = probe(base).instance(base);

    assertTrue(o.get("health").asText().startsWith("UNREACHABLE"), o.toString());
    assertFalse(o.get("ready").asBoolean());
  }
}
