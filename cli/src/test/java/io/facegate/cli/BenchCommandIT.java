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
 * {@code facegate bench} end to end on a small model: the printed figures and the
 * {@code bench.json} contract, and the gallery mode's figures. Checks shape and consistency, not
 * speed (the figures depend on the machine).
 */
class BenchCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CONTRACT = List.of("bare_inference_eps", "pipeline_eps", "ratio", "batch_size",
            "latency_ms", "offered_load_eps", "processing_guarantee", "device", "cores", "ort_version", "java_version");

    @TempDir
    Path tmp;

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
        TinyOnnxModel.pooling("bench-tiny", 46, 56, 1, 2, 0.35f).centred().write(model.resolve("model.onnx"));
        Path outDir = tmp.resolve("out");
        String out = run("bench", "--out", outDir.toString(), "--model", model.toString(), "--events", "300",
                "--intra-op-threads", "1")[0];

        assertTrue(out.contains("(a) bare ONNX Runtime:"), out);
        assertTrue(out.contains("(b) pipeline, exactly-once:"), out);
        assertTrue(out.contains("(c) latency at"), out);
        JsonNode json = JSON.readTree(outDir.resolve("bench.json").toFile());
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
        assertEquals(pipeline / 2, json.get("offered_load_eps").asDouble(), 1e-9);
        assertEquals(16, json.get("batch_size").asInt());
        assertEquals("exactly_once_v2", json.get("processing_guarantee").asText());
        assertEquals("cpu", json.get("device").asText());
        assertEquals(0, json.get("lost").asLong());
        assertEquals(0, json.get("duplicated").asLong());
    }

    @Test
    void galleryModeReportsLatencyRecallAndMemoryAndFullProbingIsExact() throws Exception {
        Path outDir = tmp.resolve("gallery");
        String out = run("bench", "--gallery", "--out", outDir.toString(), "--gallery-sizes", "3000",
                "--dim", "32", "--probes", "100", "--nprobe", "4,55")[0];

        assertTrue(out.contains("gallery 3,000 x 32"), out);
        JsonNode results = JSON.readTree(outDir.resolve("bench-gallery.json").toFile()).get("gallery");
        assertEquals(2, results.size());
        JsonNode all = results.get(1);
        assertEquals(55, all.get("nlist").asInt());
        assertEquals(55, all.get("nprobe").asInt());
        assertEquals(1.0, all.get("recall_at_1").asDouble(), 1e-12, "probing every list must be exact search");
        assertEquals(128.0, all.get("exact_bytes_per_template").asDouble(), 1e-9);
        assertTrue(all.get("ivf_ms").get("p99").asDouble() > 0);
        assertTrue(results.get(0).get("recall_at_1").asDouble() <= 1.0);
    }
}
