package io.facegate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.facegate.cli.bench.BareInference;
import io.facegate.cli.bench.CpuClock;
import io.facegate.cli.bench.FrameBench;
import io.facegate.cli.bench.GalleryBench;
import io.facegate.cli.bench.LoadGenerator;
import io.facegate.cli.bench.PipelineBench;
import io.facegate.cli.bench.StageCosts;
import io.facegate.cli.bench.TransportFloor;
import io.facegate.cli.demo.DemoModels;
import io.facegate.cli.publish.FaceImages;
import io.facegate.cli.replay.ReplayReport;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.ModelLoadException;
import io.facegate.model.onnx.OnnxEmbedder;
import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.ImageRejectedException;
import io.facegate.model.preprocess.RawImage;
import io.facegate.processor.app.ProcessorConfig;
import io.facegate.schemas.FaceImage;
import io.facegate.trainer.data.FaceImageRef;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code facegate bench}: in one run, on one model and one set of images, (a) bare ONNX Runtime
 * throughput at the processor's batch size and threads, (d) the transport floor (the same events
 * through an exactly-once pass-through on the same broker), (b) end-to-end throughput through the
 * in-process broker with exactly-once, (c) end-to-end latency at half of (b), and CPU per event by
 * stage; for each batch size and stream-thread count asked for; writes {@code bench.json}. With
 * {@code --gallery}: 1:N search at 100 k and 1 M templates instead.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark: bare ONNX Runtime vs the exactly-once pipeline (throughput, latency at half load),",
      "or with --gallery 1:N search over large synthetic galleries. Writes DIR/bench.json."
    })
public final class BenchCommand implements Callable<Integer> {
  /** Pictures a frame benchmark cycles through. */
  static final int FRAME_SOURCES = 48;

  /** The demo's cached model, the default when {@code --model} is not given. */
  static final Path DEMO_MODEL =
      DemoModels.scratchDir(Path.of(".facegate", "models"), "orl-faces", 1);

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec private CommandSpec spec;

  @Option(
      names = "--out",
      defaultValue = "bench-out",
      paramLabel = "DIR",
      description = "Where bench.json goes (default: ${DEFAULT-VALUE}).")
  private Path out;

  @Option(
      names = "--events",
      defaultValue = "2000",
      paramLabel = "N",
      description = "Events per measurement (default: ${DEFAULT-VALUE}).")
  private int events;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description =
          "Model directory (model.onnx); default: the demo's cached scratch model "
              + "in .facegate/models/demo-orl-faces-seed1.")
  private Path model;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "Face images to send (default: ../shared/datasets/orl-faces when present, else grey noise).")
  private Path data;

  @Option(
      names = "--device",
      defaultValue = "cpu",
      paramLabel = "cpu|cuda[:N]|auto",
      description = "Inference device (default: ${DEFAULT-VALUE}).")
  private String device;

  @Option(
      names = "--batch-size",
      defaultValue = "16",
      split = ",",
      paramLabel = "N[,N...]",
      description = {
        "Processor micro-batch size, also the bare batch (default: ${DEFAULT-VALUE});",
        "several values (e.g. 1,2,4,8,16,32,64) run one measurement each and print a table."
      })
  private List<Integer> batchSizes;

  @Option(
      names = "--batch-wait-ms",
      defaultValue = "20",
      paramLabel = "MS",
      description = "Processor micro-batch linger (default: ${DEFAULT-VALUE}).")
  private int batchWaitMs;

  @Option(
      names = "--commit-interval-ms",
      defaultValue = "" + ProcessorConfig.DEFAULT_COMMIT_INTERVAL_MS,
      paramLabel = "MS",
      description = "Exactly-once commit interval (default: ${DEFAULT-VALUE}).")
  private int commitIntervalMs;

  @Option(
      names = "--intra-op-threads",
      defaultValue = "" + ProcessorConfig.DEFAULT_INTRA_OP_THREADS,
      paramLabel = "N",
      description =
          "ONNX Runtime threads, 0 = ORT's default (default: ${DEFAULT-VALUE}, as the processor).")
  private int intraOpThreads;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      description = "camera-frames partitions (default: the number of stream threads).")
  private Integer partitions;

  @Option(
      names = "--stream-threads",
      defaultValue = "1",
      split = ",",
      paramLabel = "N[,N...]",
      description = {
        "Kafka Streams threads, also the bare callers (default: ${DEFAULT-VALUE});",
        "several values run one measurement each (every batch size with each)."
      })
  private List<Integer> streamThreads;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "Any other processor setting, e.g. processor.streams.producer.linger.ms=5 (repeatable).")
  private Map<String, String> extra = new HashMap<>();

  @Option(
      names = "--frames",
      split = ",",
      paramLabel = "WxH",
      description =
          "Benchmark whole camera frames of these sizes (e.g. 640x480,1280x720) through the model's"
              + " face path in one process (decode, detection, crop, embedding; no Kafka) instead"
              + " of the pipeline; --data gives the pictures (default"
              + " ../shared/datasets/celeba-frames).")
  private List<String> frameSizes;

  @Option(
      names = "--gallery",
      description = "Benchmark 1:N search over synthetic galleries instead of the pipeline.")
  private boolean gallery;

  @Option(
      names = "--gallery-sizes",
      defaultValue = "100000,1000000",
      split = ",",
      paramLabel = "N,N",
      description = "Gallery sizes (default: ${DEFAULT-VALUE}).")
  private List<Integer> gallerySizes;

  @Option(
      names = "--dim",
      defaultValue = "128",
      paramLabel = "D",
      description = "Gallery embedding dimension (default: ${DEFAULT-VALUE}).")
  private int dim;

  @Option(
      names = "--probes",
      defaultValue = "1000",
      paramLabel = "N",
      description = "Gallery probes per size (default: ${DEFAULT-VALUE}).")
  private int probes;

  @Option(
      names = "--nprobe",
      paramLabel = "N",
      split = ",",
      description =
          "Index lists to probe; several values are tried and each reported (default: 16,32,64,128).")
  private List<Integer> nprobe = new ArrayList<>(List.of(16, 32, 64, 128));

  @Option(
      names = "--against",
      paramLabel = "HOST:PORT",
      description = {
        "Load-test a running cluster instead (e.g. ./facegate broker plus processors): publish --events noise",
        "frames over --doors keys at --rate, count lost/duplicated committed decisions, write bench-load.json.",
        "Overrides --bootstrap; --registry and --config apply."
      })
  private String against;

  /**
   * With {@code --against}: the registry, settings file and environment; {@code --against} is the
   * bootstrap.
   */
  @Mixin private ClusterOptions cluster;

  @Option(
      names = "--rate",
      defaultValue = "100",
      paramLabel = "R",
      description = "With --against: events per second (default: ${DEFAULT-VALUE}).")
  private double rate;

  @Option(
      names = "--doors",
      defaultValue = "24",
      paramLabel = "N",
      description =
          "With --against: door ids (record keys) to spread over (default: ${DEFAULT-VALUE}).")
  private int doors;

  @Option(
      names = "--image-size",
      defaultValue = "64x64",
      paramLabel = "WxH",
      description = "With --against: noise frame size (default: ${DEFAULT-VALUE}).")
  private String imageSize;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (events < 100) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--events must be at least 100: " + events);
    }
    Files.createDirectories(out);
    PrintWriter o = spec.commandLine().getOut();
    if (against != null) {
      return load(o);
    }
    if (frameSizes != null) {
      return frames(o);
    }
    return gallery ? gallery(o) : pipeline(o);
  }

  private int load(PrintWriter o) throws IOException, InterruptedException {
    String[] wh = imageSize.split("x");
    if (wh.length != 2) {
      throw new CommandFailedException("--image-size must be WxH: " + imageSize);
    }
    Map<String, String> settings = cluster.settings();
    settings.put(io.facegate.platform.config.KafkaClientSettings.BOOTSTRAP_SERVERS, against);
    io.facegate.cli.replay.DecisionLedger ledger = new io.facegate.cli.replay.DecisionLedger();
    try (FacegateClients clients = FacegateClients.connect(settings, List.of());
        io.facegate.cli.replay.DecisionCollector collector =
            new io.facegate.cli.replay.DecisionCollector(
                clients.committedReader(), clients.topics(), ledger);
        org.apache.kafka.clients.producer.KafkaProducer<String, io.facegate.schemas.FaceEvent>
            producer = clients.producer(clients.topics().cameraFrames())) {
      LoadGenerator generator =
          new LoadGenerator(
              producer,
              clients.topics().cameraFrames().name(),
              LoadGenerator.noiseImages(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]), 32, 1),
              doors,
              ledger);
      o.printf("load: %d events over %d doors at %.0f/s to %s%n", events, doors, rate, against);
      o.flush();
      generator.publish(
          events,
          rate,
          i -> {
            if ((i + 1) % 500 == 0) {
              o.printf("load: sent %d, decided %d%n", i + 1, ledger.decidedCount());
              o.flush();
            }
          });
      collector.awaitDecisions(java.time.Duration.ofSeconds(60));
    }
    ReplayReport r = ledger.report(0, 0);
    o.printf(
        "load: sent %d, decisions %d, lost %d, duplicated %d, %.1f events/s, latency p50 %.0f / p99 %.0f ms%n",
        r.eventsSent(),
        r.decisionsReceived(),
        r.lost(),
        r.duplicated(),
        r.throughputEps(),
        r.latencyMs().p50(),
        r.latencyMs().p99());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("events_sent", r.eventsSent());
    json.put("decisions_received", r.decisionsReceived());
    json.put("lost", r.lost());
    json.put("duplicated", r.duplicated());
    json.put("throughput_eps", r.throughputEps());
    json.put("latency_ms", r.latencyMs());
    json.put("offered_load_eps", rate);
    json.put("doors", doors);
    Path file = out.resolve("bench-load.json");
    JSON.writeValue(file.toFile(), json);
    o.println("wrote " + file);
    return r.decidedExactlyOnce() ? 0 : 1;
  }

  private int pipeline(PrintWriter o) throws IOException, InterruptedException {
    Path modelDir = model != null ? model : DEMO_MODEL;
    Path modelFile =
        Files.isRegularFile(modelDir) ? modelDir : modelDir.resolve(ProcessorConfig.MODEL_FILE);
    if (!Files.isRegularFile(modelFile)) {
      throw new CommandFailedException(
          model != null
              ? "no model at " + modelFile
              : "no model given and no demo model in "
                  + DEMO_MODEL
                  + ": pass --model DIR, or run ./facegate demo "
                  + "--recipe scratch (or ./facegate train) first");
    }
    for (int b : batchSizes) {
      if (b < 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--batch-size must be at least 1: " + b);
      }
    }
    for (int t : streamThreads) {
      if (t < 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--stream-threads must be at least 1: " + t);
      }
    }
    DeviceSpec deviceSpec = DeviceSpec.parse(device);
    List<FaceImage> images = images(modelFile, deviceSpec);
    List<Map<String, Object>> runs = new ArrayList<>();
    Map<String, Double> stages = null;
    for (int threads : streamThreads) {
      for (int batch : batchSizes) {
        Map<String, Object> run =
            measure(o, modelDir, modelFile, deviceSpec, images, batch, threads, stages);
        @SuppressWarnings("unchecked")
        Map<String, Double> cpu = (Map<String, Double>) run.get("cpu_ms_per_event");
        stages = cpu;
        runs.add(run);
      }
    }
    if (runs.size() > 1) {
      o.println();
      o.print(table(runs));
    }
    Path file = out.resolve("bench.json");
    if (runs.size() == 1) {
      JSON.writeValue(file.toFile(), runs.get(0));
    } else {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("runs", runs);
      JSON.writeValue(file.toFile(), json);
    }
    o.println("wrote " + file);
    return 0;
  }

  /**
   * One combination of batch size and stream threads: (a) bare, (d) transport floor, (b) pipeline,
   * (c) latency, and CPU per event by stage.
   *
   * @param stages the stage costs measured by an earlier combination (they do not depend on batch
   *     or threads), or null to measure them now
   */
  private Map<String, Object> measure(
      PrintWriter o,
      Path modelDir,
      Path modelFile,
      DeviceSpec deviceSpec,
      List<FaceImage> images,
      int batchSize,
      int threads,
      Map<String, Double> stages)
      throws IOException, InterruptedException {
    int parts = partitions != null ? partitions : threads;
    o.printf(
        "bench: model %s, %d distinct images, %d events per measurement, batch %d, linger %d ms, "
            + "commit %d ms, %d partition(s), %d stream thread(s)%n",
        modelFile, images.size(), events, batchSize, batchWaitMs, commitIntervalMs, parts, threads);
    o.flush();

    BareInference.Result bare =
        BareInference.run(
            modelFile, deviceSpec, intraOpThreads, batchSize, images, events, threads);
    o.printf(
        "(a) bare ONNX Runtime: %.1f images/s (batch %d, %d caller thread(s), %s)%n",
        bare.imagesPerSecond(), batchSize, threads, bare.device());
    o.flush();

    Map<String, String> settings = new HashMap<>(extra);
    settings.put(ProcessorConfig.MODEL_DIR, modelDir.toString());
    settings.put(ProcessorConfig.DEVICE, device);
    settings.put(ProcessorConfig.INTRA_OP_THREADS, Integer.toString(intraOpThreads));
    settings.put(ProcessorConfig.BATCH_MAX_SIZE, Integer.toString(batchSize));
    settings.put(ProcessorConfig.BATCH_MAX_WAIT_MS, Integer.toString(batchWaitMs));
    settings.put(ProcessorConfig.COMMIT_INTERVAL_MS, Integer.toString(commitIntervalMs));
    settings.put(ProcessorConfig.STREAM_THREADS, Integer.toString(threads));
    Path state = Files.createTempDirectory("facegate-bench-state");
    Map<String, Object> json = new LinkedHashMap<>();
    try (PipelineBench pipeline = PipelineBench.start(settings, parts, images, state)) {
      Map<String, Double> stageMs =
          stages != null
              ? pickStages(stages)
              : pipeline.stageCosts(bare.input(), Math.max(200, Math.min(events, 1000)));

      TransportFloor.Run floor;
      Map<String, Double> floorCpu;
      try (TransportFloor f = pipeline.startFloor(parts, state.resolve("floor"))) {
        pipeline.floorLoad(f, Math.min(300, events)); // warm-up
        CpuClock.Reading c0 = CpuClock.read();
        floor = pipeline.floorLoad(f, events);
        floorCpu = CpuClock.read().perEventMsSince(c0, floor.events());
      }
      o.printf(
          "(d) transport floor, exactly-once pass-through: %.1f events/s (%d events, lost %d, duplicated %d)%n",
          floor.eventsPerSecond(), floor.events(), floor.lost(), floor.duplicated());
      o.flush();

      // warm-up: JIT, ORT arenas, producer ids and transactions; not measured
      pipeline.load(Math.min(300, events), 0, o);
      CpuClock.Reading p0 = CpuClock.read();
      ReplayReport b = pipeline.load(events, 0, o).report();
      Map<String, Double> pipelineCpu = CpuClock.read().perEventMsSince(p0, b.eventsSent());
      o.printf(
          "(b) pipeline, exactly-once: %.1f events/s (%d events, lost %d, duplicated %d)%n",
          b.throughputEps(), b.eventsSent(), b.lost(), b.duplicated());
      o.flush();
      double offered = b.throughputEps() / 2;
      int latencyEvents = (int) Math.max(100, Math.min(events, offered * 30));
      ReplayReport c = pipeline.load(latencyEvents, offered, o).report();
      o.printf(
          "(c) latency at %.1f events/s offered: p50 %.0f ms, p95 %.0f ms, p99 %.0f ms (%d events, lost %d, "
              + "duplicated %d)%n",
          offered,
          c.latencyMs().p50(),
          c.latencyMs().p95(),
          c.latencyMs().p99(),
          c.eventsSent(),
          c.lost(),
          c.duplicated());
      double ratio = b.throughputEps() / bare.imagesPerSecond();
      double ratioToFloor =
          b.throughputEps() / Math.min(bare.imagesPerSecond(), floor.eventsPerSecond());
      o.printf("ratio (b)/(a) = %.3f, (b)/min((a), (d)) = %.3f%n", ratio, ratioToFloor);

      Map<String, Double> cpu = new LinkedHashMap<>(stageMs);
      cpu.put("inference", bare.cpuMsPerImage());
      cpu.put("transport", floorCpu.get("process"));
      double known = cpu.values().stream().mapToDouble(Double::doubleValue).sum();
      cpu.put("pipeline_total", pipelineCpu.get("process"));
      cpu.put("unattributed", pipelineCpu.get("process") - known);
      o.printf("CPU ms/event: %s%n", cpu);
      o.flush();

      json.put("bare_inference_eps", bare.imagesPerSecond());
      json.put("transport_floor_eps", floor.eventsPerSecond());
      json.put("pipeline_eps", b.throughputEps());
      json.put("ratio", ratio);
      json.put("ratio_to_floor", ratioToFloor);
      json.put("batch_size", batchSize);
      Map<String, Double> latency = new LinkedHashMap<>();
      latency.put("p50", c.latencyMs().p50());
      latency.put("p95", c.latencyMs().p95());
      latency.put("p99", c.latencyMs().p99());
      latency.put("max", c.latencyMs().max());
      json.put("latency_ms", latency);
      json.put("offered_load_eps", offered);
      json.put("cpu_ms_per_event", cpu);
      Map<String, Object> byThread = new LinkedHashMap<>();
      byThread.put("transport_floor", floorCpu);
      byThread.put("pipeline", pipelineCpu);
      json.put("cpu_ms_per_event_by_thread", byThread);
      json.put("processing_guarantee", pipeline.processingGuarantee());
      json.put("device", pipeline.device());
      json.put("cores", Runtime.getRuntime().availableProcessors());
      json.put("ort_version", ortVersion());
      json.put("java_version", System.getProperty("java.version"));
      json.put("model", modelFile.toString());
      json.put("model_version", bare.modelVersion());
      json.put("events", events);
      json.put("latency_events", c.eventsSent());
      json.put("lost", b.lost() + c.lost());
      json.put("duplicated", b.duplicated() + c.duplicated());
      Map<String, Long> floorCounts = new LinkedHashMap<>();
      floorCounts.put("events", floor.events());
      floorCounts.put("forwarded", floor.forwarded());
      floorCounts.put("lost", floor.lost());
      floorCounts.put("duplicated", floor.duplicated());
      json.put("transport_floor", floorCounts);
      json.put("batch_wait_ms", batchWaitMs);
      json.put("commit_interval_ms", commitIntervalMs);
      json.put("intra_op_threads", intraOpThreads);
      json.put("partitions", parts);
      json.put("stream_threads", threads);
      json.put("extra_settings", new java.util.TreeMap<>(extra));
    } finally {
      deleteQuietly(state);
    }
    return json;
  }

  /** The per-stage figures of an earlier combination, without its run-specific ones. */
  private static Map<String, Double> pickStages(Map<String, Double> cpu) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String k : StageCosts.NAMES) {
      out.put(k, cpu.get(k));
    }
    return out;
  }

  /** One line per combination: the figures the sweep compares. */
  static String table(List<Map<String, Object>> runs) {
    StringBuilder t =
        new StringBuilder(
            String.format(
                "| threads | batch | bare img/s | floor ev/s | pipeline ev/s | ratio_to_floor | p99 ms | lost | dup |%n"
                    + "|--------:|------:|-----------:|-----------:|--------------:|---------------:|-------:|-----:|----:|%n"));
    for (Map<String, Object> r : runs) {
      @SuppressWarnings("unchecked")
      Map<String, Double> latency = (Map<String, Double>) r.get("latency_ms");
      t.append(
          String.format(
              "| %d | %d | %.1f | %.1f | %.1f | %.3f | %.0f | %d | %d |%n",
              r.get("stream_threads"),
              r.get("batch_size"),
              r.get("bare_inference_eps"),
              r.get("transport_floor_eps"),
              r.get("pipeline_eps"),
              r.get("ratio_to_floor"),
              latency.get("p99"),
              r.get("lost"),
              r.get("duplicated")));
    }
    return t.toString();
  }

  private int frames(PrintWriter o) throws IOException {
    List<int[]> sizes = new ArrayList<>();
    for (String size : frameSizes) {
      String[] wh = size.trim().toLowerCase(java.util.Locale.ROOT).split("x");
      try {
        int w = Integer.parseInt(wh[0]);
        int h = Integer.parseInt(wh[1]);
        if (wh.length != 2
            || w < 32
            || h < 32
            || (long) w * h > ImageLimits.defaults().maxPixels()) {
          throw new NumberFormatException();
        }
        sizes.add(new int[] {w, h});
      } catch (RuntimeException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--frames takes WIDTHxHEIGHT sizes of at least 32x32 within the pixel limit, got "
                + size);
      }
    }
    Path modelDir = model != null ? model : DEMO_MODEL;
    Path modelFile =
        Files.isRegularFile(modelDir) ? modelDir : modelDir.resolve(ProcessorConfig.MODEL_FILE);
    if (!Files.isRegularFile(modelFile)) {
      throw new CommandFailedException("no model at " + modelFile);
    }
    Path dir = data != null ? data : Path.of("..", "shared", "datasets", "celeba-frames");
    if (!Files.isDirectory(dir)) {
      throw new CommandFailedException("--data is not a folder: " + dir);
    }
    List<FaceImageRef> refs = FaceImages.scan(dir);
    ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
    List<RawImage> sources = new ArrayList<>();
    int step = Math.max(1, refs.size() / FRAME_SOURCES);
    for (int i = 0; i < refs.size() && sources.size() < FRAME_SOURCES; i += step) {
      try {
        sources.add(
            decoder.decode(
                Files.readAllBytes(refs.get(i).path()), refs.get(i).format(), null, null));
      } catch (ImageRejectedException e) {
        o.println("skipped " + refs.get(i).path() + ": " + e.getMessage());
      }
    }
    if (sources.isEmpty()) {
      throw new CommandFailedException("no usable pictures in " + dir);
    }
    DeviceSpec deviceSpec = DeviceSpec.parse(device);
    int batch = batchSizes.get(0);
    List<Object> results = new ArrayList<>();
    for (int[] size : sizes) {
      List<byte[]> frames = FrameBench.frames(sources, size[0], size[1]);
      FrameBench.Result r;
      try {
        r = FrameBench.run(modelFile, deviceSpec, intraOpThreads, batch, frames, size[0], size[1]);
      } catch (IllegalArgumentException | ModelLoadException e) {
        throw new CommandFailedException(e.getMessage(), e);
      }
      o.printf(
          "frames %dx%d: %.1f frames/s, %.1f ms CPU per frame (decode, detection, crop, embedding;"
              + " batch %d, %s), a face in %d of %d%n",
          r.width(),
          r.height(),
          r.framesPerSecond(),
          r.cpuMsPerFrame(),
          batch,
          deviceSpec,
          r.facesFound(),
          r.frames());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("width", r.width());
      m.put("height", r.height());
      m.put("frames", r.frames());
      m.put("faces_found", r.facesFound());
      m.put("frames_per_second", r.framesPerSecond());
      m.put("cpu_ms_per_frame", r.cpuMsPerFrame());
      results.add(m);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("frames", results);
    json.put("model", modelFile.toString());
    json.put("pictures", dir.toString());
    json.put("batch_size", batch);
    json.put("intra_op_threads", intraOpThreads);
    json.put("device", deviceSpec.toString());
    json.put("cores", Runtime.getRuntime().availableProcessors());
    json.put("ort_version", ortVersion());
    Path file = out.resolve("bench-frames.json");
    JSON.writeValue(file.toFile(), json);
    o.println("wrote " + file);
    return 0;
  }

  private int gallery(PrintWriter o) throws IOException {
    List<Object> results = new ArrayList<>();
    for (int n : gallerySizes) {
      for (GalleryBench.Result r :
          GalleryBench.run(
              n, dim, probes, nprobe, 0.5, 42, Runtime.getRuntime().availableProcessors(), o)) {
        results.add(r.toMap());
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("gallery", results);
    json.put(
        "probe",
        "a noisy copy of an enrolled template (noise norm 0.5, re-normalised): a returning person");
    json.put("cores", Runtime.getRuntime().availableProcessors());
    json.put("java_version", System.getProperty("java.version"));
    json.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
    Path file = out.resolve("bench-gallery.json");
    JSON.writeValue(file.toFile(), json);
    o.println("wrote " + file);
    return 0;
  }

  /**
   * The benchmark's images: dataset files when there are any, else noise of the model's input size.
   */
  private List<FaceImage> images(Path modelFile, DeviceSpec deviceSpec) throws IOException {
    Path dir = data != null ? data : Path.of("..", "shared", "datasets", "orl-faces");
    if (Files.isDirectory(dir)) {
      List<FaceImageRef> refs = FaceImages.scan(dir);
      List<FaceImage> images = new ArrayList<>();
      for (int i = 0; i < refs.size() && images.size() < 200; i += Math.max(1, refs.size() / 200)) {
        images.add(FaceImages.read(refs.get(i).path(), refs.get(i).format()));
      }
      return images;
    }
    if (data != null) {
      throw new CommandFailedException("--data is not a folder: " + data);
    }
    try (OnnxEmbedder e = OnnxEmbedder.open(modelFile, deviceSpec, 1)) {
      var spec = e.metadata().input();
      return LoadGenerator.noiseImages(spec.width(), spec.height(), 64, 1);
    } catch (ModelLoadException ex) {
      throw new CommandFailedException(ex.getMessage(), ex);
    }
  }

  private static String ortVersion() {
    try {
      return ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion();
    } catch (RuntimeException e) {
      return "unknown";
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }
}
