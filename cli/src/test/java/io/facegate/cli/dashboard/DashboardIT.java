package io.facegate.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facegate.cli.FacegateClients;
import io.facegate.platform.broker.BrokerSettings;
import io.facegate.platform.broker.EmbeddedKafkaBroker;
import io.facegate.platform.config.KafkaClientSettings;
import io.facegate.platform.topics.TopicAdmin;
import io.facegate.platform.topics.TopicNames;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.ImageEncoding;
import io.facegate.schemas.Outcome;
import io.facegate.schemas.SourceCoordinates;
import io.facegate.schemas.registry.RegistryConfig;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard against an in-process broker: probe thumbnails only with {@code --show-probes}, and
 * {@code facegate dashboard} run as its own process (as {@code ./facegate} runs it) stopping
 * cleanly on the signal Ctrl-C's shutdown shares.
 */
@Timeout(180)
class DashboardIT {

  private static final Pattern ADDRESS =
      Pattern.compile("dashboard: http://127\\.0\\.0\\.1:(\\d+)/ .*");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static EmbeddedKafkaBroker broker;

  @TempDir Path tmp;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = EmbeddedKafkaBroker.start(new BrokerSettings(null, 0, Map.of()));
    try (Admin admin = Admin.create(broker.clientProperties())) {
      TopicAdmin.createAll(admin, TopicNames.defaults(), 1);
    }
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void probeThumbnailsAreSentOnlyWithShowProbes() throws Exception {
    Map<String, String> settings = new HashMap<>();
    settings.put(KafkaClientSettings.BOOTSTRAP_SERVERS, broker.bootstrapServers());
    settings.put(RegistryConfig.URL, "mock://dashboard-it-" + UUID.randomUUID());
    try (FacegateClients clients = FacegateClients.connect(settings, List.of());
        Dashboard on = Dashboard.start(clients, options(true));
        Dashboard off = Dashboard.start(clients, options(false));
        KafkaProducer<String, FaceEvent> frames =
            clients.producer(clients.topics().cameraFrames());
        KafkaProducer<String, AccessDecision> decisions =
            clients.producer(clients.topics().accessDecisions())) {
      String id = UUID.randomUUID().toString();
      frames
          .send(new ProducerRecord<>(clients.topics().cameraFrames().name(), "door-1", frame(id)))
          .get();
      decisions
          .send(
              new ProducerRecord<>(
                  clients.topics().accessDecisions().name(), "door-1", decision(id)))
          .get();

      JsonNode shown =
          awaitState(on.port(), s -> decisionOf(s, id) != null && decisionOf(s, id).has("probe"));
      assertTrue(decisionOf(shown, id).get("probe").asText().startsWith("data:image/png;base64,"));

      String plain = get(off.port(), "/api/state");
      JsonNode offState = JSON.readTree(plain);
      assertTrue(decisionOf(offState, id) != null, "the decision is listed: " + plain);
      assertFalse(decisionOf(offState, id).has("probe"));
      assertFalse(plain.contains("data:image"), plain);
    }
  }

  @Test
  void theDashboardCommandClosesItsReaderAndServerOnShutdown() throws Exception {
    Path stdout = tmp.resolve("dashboard.out");
    Path stderr = tmp.resolve("dashboard.err");
    String classpath =
        Path.of("target", "classes").toAbsolutePath()
            + File.pathSeparator
            + Files.readString(Path.of("target", "classpath.txt"), StandardCharsets.UTF_8).strip();
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                "io.facegate.cli.FacegateCommand",
                "dashboard",
                "--port",
                "0",
                "--bootstrap",
                broker.bootstrapServers(),
                "--registry",
                "mock://dashboard-command-it",
                "--processor",
                "http://127.0.0.1:1")
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    try {
      int port = awaitPort(p, stdout);
      assertEquals(
          200,
          HTTP.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/state"))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode());
      // an open page must not keep the server up
      InputStream page =
          HTTP.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                      .header("Accept", "text/event-stream")
                      .build(),
                  HttpResponse.BodyHandlers.ofInputStream())
              .body();
      BufferedReader events =
          new BufferedReader(new InputStreamReader(page, StandardCharsets.UTF_8));
      assertTrue(events.readLine().startsWith("event: update"));

      long t0 = System.nanoTime();
      p.destroy(); // SIGTERM: the same shutdown hook as Ctrl-C
      assertTrue(p.waitFor(25, TimeUnit.SECONDS), "the dashboard did not stop within 25 s");
      long stopMillis = (System.nanoTime() - t0) / 1_000_000;

      String rest = Files.readString(stdout);
      String log = Files.readString(stderr);
      assertTrue(
          rest.contains("dashboard: stopped"),
          "closed its reader, prober and server before exiting: " + rest + log);
      assertFalse(log.contains("did not stop"), log);
      assertTrue(
          stopMillis < 20_000, "stopped in " + stopMillis + " ms, not by the 30 s shutdown limit");
      while (events.readLine() != null) {
        // the open page's stream ends with the server
      }
      assertTrue(refused(port), "port " + port + " still open");
    } finally {
      p.destroyForcibly();
    }
  }

  private static Dashboard.Options options(boolean showProbes) {
    return new Dashboard.Options("127.0.0.1", 0, null, List.of(), "facegate-processor", showProbes);
  }

  /** The port of the {@code dashboard: http://...} line the command prints once it serves. */
  private static int awaitPort(Process p, Path stdout) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(stdout)) {
        Matcher m = ADDRESS.matcher(line);
        if (m.matches()) {
          return Integer.parseInt(m.group(1));
        }
      }
      assertTrue(
          p.isAlive(),
          "the dashboard exited before printing its address: " + Files.readString(stdout));
      Thread.sleep(100);
    }
    throw new AssertionError("no address within 60 s: " + Files.readString(stdout));
  }

  private static boolean refused(int port) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return false;
    } catch (ConnectException e) {
      return true;
    }
  }

  private static JsonNode decisionOf(JsonNode state, String eventId) {
    for (JsonNode d : state.get("decisions")) {
      if (d.get("eventId").asText().equals(eventId)) {
        return d;
      }
    }
    return null;
  }

  private static String get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static JsonNode awaitState(int port, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode state = JSON.readTree(get(port, "/api/state"));
    while (!done.test(state)) {
      assertTrue(System.nanoTime() < deadline, "not within 30 s: " + state);
      Thread.sleep(100);
      state = JSON.readTree(get(port, "/api/state"));
    }
    return state;
  }

  private static FaceEvent frame(String id) {
    byte[] header = "P5\n48 48\n255\n".getBytes(StandardCharsets.US_ASCII);
    byte[] pgm = new byte[header.length + 48 * 48];
    System.arraycopy(header, 0, pgm, 0, header.length);
    for (int i = 0; i < 48 * 48; i++) {
      pgm[header.length + i] = (byte) i;
    }
    return FaceEvent.newBuilder()
        .setEventId(id)
        .setCameraId("cam-1")
        .setDoorId("door-1")
        .setCaptureTime(Instant.now())
        .setClaimedIdentity(null)
        .setAttributes(Map.of())
        .setImage(
            FaceImage.newBuilder()
                .setData(ByteBuffer.wrap(pgm))
                .setEncoding(ImageEncoding.PGM)
                .build())
        .build();
  }

  private static AccessDecision decision(String id) {
    Instant now = Instant.now();
    return AccessDecision.newBuilder()
        .setEventId(id)
        .setCameraId("cam-1")
        .setDoorId("door-1")
        .setOutcome(Outcome.GRANTED)
        .setReason(DecisionReason.MATCH)
        .setMatchedIdentity("ada")
        .setDistance(0.2f)
        .setThreshold(0.6f)
        .setModelVersion("it")
        .setCaptureTime(now.minusMillis(30))
        .setDecidedAt(now)
        .setProcessingLatencyMs(5)
        .setSource(new SourceCoordinates("camera-frames", 0, 0L))
        .build();
  }
}
