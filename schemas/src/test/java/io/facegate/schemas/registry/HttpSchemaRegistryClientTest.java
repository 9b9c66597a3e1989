package io.facegate.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.facegate.schemas.FaceEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The http client against a scripted fake registry on loopback. */
class HttpSchemaRegistryClientTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpServer server;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private volatile Answer answer = new Answer(200, "{}");

  record Recorded(String method, String path, Map<String, List<String>> headers, String body) {}

  record Answer(int status, String body) {}

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    requests.add(
        new Recorded(
            ex.getRequestMethod(), ex.getRequestURI().getRawPath(), ex.getRequestHeaders(), body));
    Answer a = answer;
    byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
    ex.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private SchemaRegistryClient client(String path) {
    return SchemaRegistryClients.create(RegistryConfig.of(URI.create(base() + path)));
  }

  @Test
  void registersUnderTheSubjectWithTheRegistryMediaTypeOnce() throws IOException {
    answer = new Answer(200, "{\"id\":17}");
    try (SchemaRegistryClient c = client("/apis/ccompat/v7/")) {
      assertEquals(17, c.register("camera-frames-value", FaceEvent.getClassSchema()));
      assertEquals(17, c.register("camera-frames-value", FaceEvent.getClassSchema()));
    }
    assertEquals(1, requests.size(), "second register comes from the cache");
    Recorded r = requests.get(0);
    assertEquals("POST", r.method());
    assertEquals("/apis/ccompat/v7/subjects/camera-frames-value/versions", r.path());
    assertEquals("application/vnd.schemaregistry.v1+json", r.headers().get("Content-type").get(0));
    assertTrue(
        r.headers().get("Accept").get(0).startsWith("application/vnd.schemaregistry.v1+json"));
    assertNull(r.headers().get("Authorization"));
    String sent = JSON.readTree(r.body()).get("schema").asText();
    assertEquals(FaceEvent.getClassSchema(), new Schema.Parser().parse(sent));
  }

  @Test
  void fetchesSchemaByIdOnce() throws IOException {
    answer =
        new Answer(
            200,
            JSON.createObjectNode()
                .put("schema", FaceEvent.getClassSchema().toString())
                .toString());
    try (SchemaRegistryClient c = client("")) {
      assertEquals(FaceEvent.getClassSchema(), c.schemaById(5));
      assertEquals(FaceEvent.getClassSchema(), c.schemaById(5));
    }
    assertEquals(1, requests.size());
    assertEquals("GET", requests.get(0).method());
    assertEquals("/schemas/ids/5", requests.get(0).path());
  }

  @Test
  void sendsBasicAuth() {
    answer = new Answer(200, "{\"id\":1}");
    RegistryConfig config =
        RegistryConfig.fromMap(
            Map.of(
                "schema.registry.url",
                base(),
                "basic.auth.credentials.source",
                "USER_INFO",
                "basic.auth.user.info",
                "svc:pä:ss"));
    try (SchemaRegistryClient c = SchemaRegistryClients.create(config)) {
      c.register("t-value", FaceEvent.getClassSchema());
    }
    String expected =
        "Basic " + Base64.getEncoder().encodeToString("svc:pä:ss".getBytes(StandardCharsets.UTF_8));
    assertEquals(expected, requests.get(0).headers().get("Authorization").get(0));
  }

  @Test
  void unauthorisedCarriesStatusCodeAndMessage() {
    answer = new Answer(401, "{\"error_code\":40101,\"message\":\"Unauthorized\"}");
    try (SchemaRegistryClient c = client("")) {
      SchemaRegistryException e =
          assertThrows(
              SchemaRegistryException.class,
              () -> c.register("t-value", FaceEvent.getClassSchema()));
      assertEquals(401, e.httpStatus());
      assertEquals(40101, e.errorCode());
      assertFalse(e.isNotFound());
      assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
      assertTrue(e.getMessage().contains("Unauthorized"), e.getMessage());
      assertTrue(e.getMessage().contains(base()), e.getMessage());
    }
  }

  @Test
  void unknownIdIsNotFound() {
    answer = new Answer(404, "{\"error_code\":40403,\"message\":\"Schema 99 not found\"}");
    try (SchemaRegistryClient c = client("")) {
      SchemaRegistryException e =
          assertThrows(SchemaRegistryException.class, () -> c.schemaById(99));
      assertTrue(e.isNotFound());
      assertEquals(40403, e.errorCode());
      assertTrue(e.getMessage().contains("Schema 99 not found"), e.getMessage());
      assertTrue(e.getMessage().contains("GET /schemas/ids/99"), e.getMessage());
    }
    // failures are not cached: the registry is asked again
    answer =
        new Answer(
            200,
            JSON.createObjectNode()
                .put("schema", FaceEvent.getClassSchema().toString())
                .toString());
    try (SchemaRegistryClient c = client("")) {
      assertEquals(FaceEvent.getClassSchema(), c.schemaById(99));
    }
  }

  @Test
  void serverErrorWithoutJsonBodyKeepsTheText() {
    answer = new Answer(500, "<html>upstream exploded</html>");
    try (SchemaRegistryClient c = client("")) {
      SchemaRegistryException e =
          assertThrows(SchemaRegistryException.class, () -> c.schemaById(1));
      assertEquals(500, e.httpStatus());
      assertEquals(SchemaRegistryException.NONE, e.errorCode());
      assertTrue(e.getMessage().contains("upstream exploded"), e.getMessage());
    }
  }

  @Test
  void conflictOnRegisterIsReported() {
    answer =
        new Answer(
            409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}");
    try (SchemaRegistryClient c = client("")) {
      SchemaRegistryException e =
          assertThrows(
              SchemaRegistryException.class,
              () -> c.register("t-value", FaceEvent.getClassSchema()));
      assertEquals(409, e.httpStatus());
      assertTrue(e.getMessage().contains("incompatible"), e.getMessage());
    }
  }

  @Test
  void nonsenseAnswersAreErrorsNotNulls() {
    try (SchemaRegistryClient c = client("")) {
      answer = new Answer(200, "{\"idx\":1}");
      assertThrows(
          SchemaRegistryException.class, () -> c.register("t-value", FaceEvent.getClassSchema()));
      answer = new Answer(200, "not json");
      assertThrows(SchemaRegistryException.class, () -> c.schemaById(1));
      answer = new Answer(200, "{\"schema\":\"{nope\"}");
      assertThrows(SchemaRegistryException.class, () -> c.schemaById(2));
      answer = new Answer(200, "{\"schema\":\"syntax = 'proto3';\",\"schemaType\":\"PROTOBUF\"}");
      SchemaRegistryException e =
          assertThrows(SchemaRegistryException.class, () -> c.schemaById(3));
      assertTrue(e.getMessage().contains("PROTOBUF"), e.getMessage());
    }
  }

  @Test
  void connectionRefusedNamesTheUrl() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/registry";
    try (SchemaRegistryClient c =
        SchemaRegistryClients.create(RegistryConfig.of(URI.create(url)))) {
      SchemaRegistryException e =
          assertThrows(SchemaRegistryException.class, () -> c.schemaById(1));
      assertTrue(e.getMessage().contains(url), e.getMessage());
      assertEquals(SchemaRegistryException.NONE, e.httpStatus());
    }
  }

  @Test
  void slowRegistryTimesOutWithTheUrl() {
    server.removeContext("/");
    server.createContext(
        "/",
        ex -> {
          try {
            Thread.sleep(1_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    RegistryConfig config =
        new RegistryConfig(
            URI.create(base()),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Duration.ofSeconds(1),
            Duration.ofMillis(200));
    try (SchemaRegistryClient c = SchemaRegistryClients.create(config)) {
      SchemaRegistryException e =
          assertThrows(SchemaRegistryException.class, () -> c.schemaById(1));
      assertTrue(e.getMessage().contains("within 200 ms"), e.getMessage());
      assertTrue(e.getMessage().contains(base()), e.getMessage());
    }
  }
}
