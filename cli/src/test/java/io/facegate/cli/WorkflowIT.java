package io.facegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facegate.model.onnx.TinyOnnxModel;
import io.facegate.platform.broker.BrokerSettings;
import io.facegate.platform.broker.EmbeddedKafkaBroker;
import io.facegate.platform.topics.TopicAdmin;
import io.facegate.platform.topics.TopicNames;
import io.facegate.processor.app.ProcessorApp;
import io.facegate.processor.app.ProcessorConfig;
import io.facegate.processor.topology.ProcessorTopics;
import io.facegate.schemas.registry.LocalRegistryServer;
import io.facegate.schemas.registry.RegistryConfig;
import io.facegate.schemas.registry.SchemaRegistryClient;
import io.facegate.schemas.registry.SchemaRegistryClients;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The user workflows end to end on a real (in-process) broker: the demo, and the three-terminal
 * walkthrough (broker with its local registry, a separately configured processor, replay over the
 * http registry). The model is a small deterministic ONNX model built in code, not a trained one,
 * so these tests check delivery and reporting, not accuracy.
 */
class WorkflowIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> REPORT_FIELDS =
      List.of(
          "events_sent",
          "decisions_received",
          "lost",
          "duplicated",
          "granted",
          "denied",
          "far",
          "frr",
          "eer",
          "tar_at_far_1pct",
          "identification_accuracy",
          "dead_letters",
          "throughput_eps",
          "latency_ms",
          "threshold",
          "model_version");

  @TempDir Path tmp;

  private static Path orl() {
    Path orl = Path.of(System.getProperty("facegate.datasets", "../shared/datasets"), "orl-faces");
    assumeTrue(Files.isDirectory(orl), "ORL faces not found at " + orl);
    return orl;
  }

  private Path tinyModel() throws java.io.IOException {
    Path dir = Files.createDirectories(tmp.resolve("model"));
    TinyOnnxModel.pooling("orl-tiny-1", 46, 56, 1, 2, 0.35f)
        .centred()
        .write(dir.resolve("model.onnx"));
    return dir;
  }

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = FacegateCommand.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private record Result(int code, String out, String err) {}

  private static JsonNode assertCompleteReport(Path dir) throws Exception {
    JsonNode report = JSON.readTree(dir.resolve("report.json").toFile());
    for (String field : REPORT_FIELDS) {
      assertTrue(report.has(field), "report.json lacks " + field);
    }
    assertTrue(report.get("events_sent").asLong() > 0);
    assertEquals(report.get("events_sent").asLong(), report.get("decisions_received").asLong());
    assertEquals(0, report.get("lost").asLong());
    assertEquals(0, report.get("duplicated").asLong());
    assertEquals(
        report.get("events_sent").asLong(),
        report.get("granted").asLong() + report.get("denied").asLong());
    for (String rate : List.of("far", "frr", "identification_accuracy")) {
      double v = report.get(rate).asDouble();
      assertTrue(v >= 0 && v <= 1, rate + " is not a fraction: " + v);
    }
    assertEquals("orl-tiny-1", report.get("model_version").asText());
    String html = Files.readString(dir.resolve("report.html"));
    for (String plot :
        List.of("roc.png", "distances.png", "latency-histogram.png", "latency-over-time.png")) {
      assertTrue(html.contains("src=\"" + plot + "\""), "report.html does not show " + plot);
      assertTrue(Files.size(dir.resolve(plot)) > 1000, plot + " is empty");
    }
    return report;
  }

  @Test
  void demoWithAGivenModelDecidesEveryEventOnceAndWritesTheReport() throws Exception {
    Path out = tmp.resolve("demo-out");
    Result r =
        run(
            "demo",
            "--model",
            tinyModel().toString(),
            "--data",
            orl().toString(),
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("report: "), r.out());
    assertCompleteReport(out);
  }

  @Test
  void replayAgainstASeparatelyStartedProcessorOverTheLocalHttpRegistry() throws Exception {
    Path orl = orl();
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.start(new BrokerSettings(tmp.resolve("kafka"), 0, Map.of()));
        LocalRegistryServer registryServer = LocalRegistryServer.start(0, "workflow-it")) {
      try (Admin admin = Admin.create(broker.clientProperties())) {
        TopicAdmin.createAll(admin, TopicNames.defaults(), 3);
      }
      String registryUrl = registryServer.url().toString();
      Map<String, String> cfg = new HashMap<>();
      cfg.put("kafka.bootstrap.servers", broker.bootstrapServers());
      cfg.put(RegistryConfig.URL, registryUrl);
      cfg.put(ProcessorConfig.MODEL_DIR, tinyModel().toString());
      cfg.put(ProcessorConfig.DEVICE, "cpu");
      cfg.put(ProcessorConfig.STATE_DIR, tmp.resolve("state").toString());
      cfg.put(ProcessorConfig.HTTP_PORT, "0");
      ProcessorConfig config = ProcessorConfig.fromMap(cfg);
      try (SchemaRegistryClient registry =
              SchemaRegistryClients.create(RegistryConfig.fromMap(cfg));
          ProcessorApp app =
              ProcessorApp.start(config, ProcessorTopics.of(config.topics(), registry))) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!app.ready() && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        assertTrue(app.ready(), "processor not ready");
        Path report = tmp.resolve("replay-report");
        Result r =
            run(
                "replay",
                "--bootstrap",
                broker.bootstrapServers(),
                "--registry",
                registryUrl,
                "--data",
                orl.toString(),
                "--report",
                report.toString(),
                "--enroll-per-person",
                "2",
                "--unknown-fraction",
                "0.3",
                "--rate",
                "200",
                "--seed",
                "5");
        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode json = assertCompleteReport(report);
        assertEquals(28, json.get("enrolled_identities").asInt());
        assertEquals(12, json.get("impostor_identities").asInt());
        assertEquals(28 * 8 + 12 * 10, json.get("events_sent").asLong());
      }
    }
  }

  @Test
  void clientCommandsSayWhenTheBrokerIsUnreachable() {
    Result r =
        run(
            "replay",
            "--bootstrap",
            "127.0.0.1:1",
            "--registry",
            "mock://unreachable",
            "--data",
            orl().toString(),
            "--report",
            tmp.resolve("r").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("broker unreachable at 127.0.0.1:1"), r.err());
    assertTrue(!r.err().contains("\tat "), "stack trace printed: " + r.err());
  }
}
