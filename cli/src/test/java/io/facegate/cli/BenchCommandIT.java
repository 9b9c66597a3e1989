package io.facegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facegate.model.onnx.TinyOnnxModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code facegate bench} end to end on a small model: the printed figures and the {@code
 * bench.json} contract, and the gallery mode's figures. Checks shape and consistency, not speed
 * (the figures depend on the machine).
 */
class BenchCommandIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CONTRACT =
      List.of(
          "bare_inference_eps",
          "pipeline_eps",
          "ratio",
          "batch_size",
          "latency_ms",
          "offered_load_eps",
          "processing_guarantee",
          "device",
          "cores",
          "ort_version",
          "java_version",
          "transport_floor_eps",
          "ratio_to_floor",
          "cpu_ms_per_event",
          "cpu_ms_per_event_by_thread",
          "transport_floor");
  private static final List<String> STAGES =
      List.of(
          "avro_decode",
          "payload_hash",
          "image_decode",
          "preprocess",
          "decision_serde",
          "inference",
          "transport");

  @TempDir Path tmp;

  private String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = FacegateCommand.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    assertEquals(0, code, out + "\n" + err);
    return new String[] {out.toString(), err.toString()};
  }

  @Test
  void benchPrintsTheThreeFiguresAndWritesTheContractFields() throws Exception {
    Path model = Files.createDirectories(tmp.resolve("model"));
    TinyOnnxModel.pooling("bench-tiny", 46, 56, 1, 2, 0.35f)
        .centred()
        .write(model.resolve("model.onnx"));
    Path outDir = tmp.resolve("out");
    String out =
        run(
            "bench",
            "--out",
            outDir.toString(),
            "--model",
            model.toString(),
            "--events",
            "300",
            "--intra-op-threads",
            "1")[0];

    assertTrue(out.contains("(a) bare ONNX Runtime:"), out);
    assertTrue(out.contains("(b) pipeline, exactly-once:"), out);
    assertTrue(out.contains("(c) latency at"), out);
    assertTrue(out.contains("(d) transport floor, exactly-once pass-through:"), out);
    JsonNode json = JSON.readTree(outDir.resolve("bench.json").toFile());
    assertMeasuredRun(json, 16, 300);
  }

  @Test
  void sweepRunsEachBatchSizeMeasuresStagesOnceAndPrintsATable() throws Exception {
    Path model = Files.createDirectories(tmp.resolve("model"));
    TinyOnnxModel.pooling("bench-tiny", 46, 56, 1, 2, 0.35f)
        .centred()
        .write(model.resolve("model.onnx"));
    Path outDir = tmp.resolve("sweep");
    String out =
        run(
            "bench",
            "--out",
            outDir.toString(),
            "--model",
            model.toString(),
            "--events",
            "200",
            "--intra-op-threads",
            "1",
            "--batch-size",
            "1,4")[0];

    assertTrue(
        out.contains(
            "| threads | batch | bare img/s | floor ev/s | pipeline ev/s | ratio_to_floor |"),
        out);
    JsonNode runs = JSON.readTree(outDir.resolve("bench.json").toFile()).get("runs");
    assertEquals(2, runs.size());
    assertMeasuredRun(runs.get(0), 1, 200);
    assertMeasuredRun(runs.get(1), 4, 200);
    assertTrue(
        out.contains(
            String.format(
                "| 1 | 4 | %.1f | %.1f | %.1f |",
                runs.get(1).get("bare_inference_eps").asDouble(),
                runs.get(1).get("transport_floor_eps").asDouble(),
                runs.get(1).get("pipeline_eps").asDouble())),
        out);
    for (String stage :
        List.of("avro_decode", "payload_hash", "image_decode", "preprocess", "decision_serde")) {
      assertEquals(
          runs.get(0).get("cpu_ms_per_event").get(stage).asDouble(),
          runs.get(1).get("cpu_ms_per_event").get(stage).asDouble(),
          0.0,
          stage + " is measured once");
    }
  }

  /** The fields of one measurement, each present and consistent with the others. */
  private static void assertMeasuredRun(JsonNode json, int batchSize, int events) {
    for (String field : CONTRACT) {
      assertTrue(json.has(field), "bench.json lacks " + field + ": " + json);
    }
    for (String p : List.of("p50", "p95", "p99")) {
      assertTrue(json.get("latency_ms").get(p).asDouble() > 0, p);
    }
    double bare = json.get("bare_inference_eps").asDouble();
    double pipeline = json.get("pipeline_eps").asDouble();
    assertTrue(bare > 0 && pipeline > 0, json.toString());
    assertEquals(pipeline / bare, json.get("ratio").asDouble(), 1e-9);
    double floor = json.get("transport_floor_eps").asDouble();
    assertTrue(floor > 0, json.toString());
    assertEquals(pipeline / Math.min(bare, floor), json.get("ratio_to_floor").asDouble(), 1e-9);
    assertEquals(pipeline / 2, json.get("offered_load_eps").asDouble(), 1e-9);
    assertEquals(batchSize, json.get("batch_size").asInt());
    JsonNode floorCounts = json.get("transport_floor");
    assertEquals(events, floorCounts.get("events").asLong(), json.toString());
    assertEquals(events, floorCounts.get("forwarded").asLong());
    assertEquals(0, floorCounts.get("lost").asLong());
    assertEquals(0, floorCounts.get("duplicated").asLong());
    JsonNode cpu = json.get("cpu_ms_per_event");
    double known = 0;
    for (String stage : STAGES) {
      double ms = cpu.get(stage).asDouble();
      assertTrue(ms > 0 && ms < 1000, stage + " = " + ms);
      known += ms;
    }
    double total = cpu.get("pipeline_total").asDouble();
    assertTrue(total > 0, cpu.toString());
    assertEquals(total - known, cpu.get("unattributed").asDouble(), 1e-9);
    assertEquals(
        total,
        json.get("cpu_ms_per_event_by_thread").get("pipeline").get("process").asDouble(),
        1e-12);
    assertEquals(
        cpu.get("transport").asDouble(),
        json.get("cpu_ms_per_event_by_thread").get("transport_floor").get("process").asDouble(),
        1e-12);
    assertEquals("exactly_once_v2", json.get("processing_guarantee").asText());
    assertEquals("cpu", json.get("device").asText());
    assertEquals(0, json.get("lost").asLong());
    assertEquals(0, json.get("duplicated").asLong());
  }

  @Test
  void galleryModeReportsLatencyRecallAndMemoryAndFullProbingIsExact() throws Exception {
    Path outDir = tmp.resolve("gallery");
    String out =
        run(
            "bench",
            "--gallery",
            "--out",
            outDir.toString(),
            "--gallery-sizes",
            "3000",
            "--dim",
            "32",
            "--probes",
            "100",
            "--nprobe",
            "4,55")[0];

    assertTrue(out.contains("gallery 3,000 x 32"), out);
    JsonNode results = JSON.readTree(outDir.resolve("bench-gallery.json").toFile()).get("gallery");
    assertEquals(2, results.size());
    JsonNode all = results.get(1);
    assertEquals(55, all.get("nlist").asInt());
    assertEquals(55, all.get("nprobe").asInt());
    assertEquals(
        1.0, all.get("recall_at_1").asDouble(), 1e-12, "probing every list must be exact search");
    assertEquals(128.0, all.get("exact_bytes_per_template").asDouble(), 1e-9);
    assertTrue(all.get("ivf_ms").get("p99").asDouble() > 0);
    assertTrue(results.get(0).get("recall_at_1").asDouble() <= 1.0);
  }
}
