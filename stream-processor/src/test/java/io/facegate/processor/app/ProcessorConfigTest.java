package io.facegate.processor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.face.FaceFinder;
import io.facegate.model.liveness.LivenessCheck;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.ModelLoadException;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.PreprocessSpec;
import io.facegate.platform.config.ConfigSource;
import io.facegate.platform.config.InvalidConfigException;
import io.facegate.processor.topology.ProcessingBudget;
import io.facegate.processor.topology.TopologyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessorConfigTest {
  @TempDir Path dir;

  private static Map<String, String> minimal() {
    Map<String, String> m = new HashMap<>();
    m.put("kafka.bootstrap.servers", "127.0.0.1:9092");
    m.put(ProcessorConfig.MODEL_DIR, "/models/current");
    return m;
  }

  /** The Streams properties of a minimal config plus {@code extra}. */
  private static Properties streams(Map<String, String> extra) {
    Map<String, String> m = minimal();
    m.putAll(extra);
    return ProcessorConfig.fromMap(m).streamsProperties();
  }

  private static ModelMetadata model(float threshold) {
    return new ModelMetadata(
        "v1",
        new PreprocessSpec(8, 8, 1, new float[] {0.5f}, new float[] {0.5f}),
        4,
        ModelMetadata.EUCLIDEAN,
        threshold,
        "eer",
        Map.of());
  }

  @Test
  void defaultsNeedOnlyBootstrapAndModel() {
    ProcessorConfig c = ProcessorConfig.fromMap(minimal());
    assertEquals("facegate-processor", c.applicationId());
    assertEquals(DeviceSpec.parse("auto"), c.device());
    assertEquals(16, c.maxBatchSize());
    assertEquals(Duration.ofMillis(20), c.maxBatchWait());
    assertEquals(Optional.empty(), c.threshold());
    assertEquals(9464, c.httpPort());
    assertEquals(Path.of("/models/current/model.onnx"), c.modelFile());
  }

  @Test
  void streamsPropertiesAreExactlyOnceWithExplicitNaming() {
    Properties p = ProcessorConfig.fromMap(minimal()).streamsProperties();
    assertEquals(StreamsConfig.EXACTLY_ONCE_V2, p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    assertEquals("true", p.get(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG));
    assertEquals("facegate-processor", p.get(StreamsConfig.APPLICATION_ID_CONFIG));
    assertEquals("127.0.0.1:9092", p.get("bootstrap.servers"));
  }

  @Test
  void environmentOverridesTheFile() throws Exception {
    Path file = dir.resolve("p.properties");
    Files.writeString(
        file,
        "kafka.bootstrap.servers=a:1\nprocessor.model-dir=/m\n"
            + "processor.batch.max-size=4\nprocessor.device=cpu\n");
    Map<String, String> settings =
        ConfigSource.load(
            Optional.of(file),
            Map.of(
                "FACEGATE_PROCESSOR_BATCH_MAX__SIZE", "32", "FACEGATE_PROCESSOR_DEVICE", "cuda:1"));
    ProcessorConfig c = ProcessorConfig.fromMap(settings);
    assertEquals(32, c.maxBatchSize());
    assertEquals(DeviceSpec.parse("cuda:1"), c.device());
  }

  @Test
  void streamsProducerTakesTheLargestBufferedFrameAndCannotBeSetLower() {
    int entry = TopologyConfig.bufferEntryLimit(ImageLimits.defaults());
    assertTrue(entry > 8 * 1024 * 1024);
    assertEquals(
        Long.toString(entry),
        ProcessorConfig.fromMap(minimal()).streamsProperties().get("producer.max.request.size"));
    Map<String, String> m = minimal();
    m.put(ProcessorConfig.STREAMS_PREFIX + "producer.max.request.size", "1048576");
    assertEquals(
        Long.toString(entry),
        ProcessorConfig.fromMap(m).streamsProperties().get("producer.max.request.size"));
    m.put(ProcessorConfig.IMAGE_MAX_BYTES, Integer.toString(20 * 1024 * 1024));
    assertEquals(
        Long.toString(20 * 1024 * 1024 + 128 * 1024),
        ProcessorConfig.fromMap(m).streamsProperties().get("producer.max.request.size"));
  }

  @Test
  void batchByteBoundDefaultsTo16MiBAndIsValidated() {
    assertEquals(16 * 1024 * 1024, ProcessorConfig.fromMap(minimal()).maxBatchBytes());
    Map<String, String> m = minimal();
    m.put(ProcessorConfig.BATCH_MAX_BYTES, "4194304");
    assertEquals(
        4 * 1024 * 1024, ProcessorConfig.fromMap(m).topologyConfig(model(0.5f)).maxBatchBytes());
    m.put(ProcessorConfig.BATCH_MAX_BYTES, "100");
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ProcessorConfig.fromMap(m));
    assertTrue(e.getMessage().contains(ProcessorConfig.BATCH_MAX_BYTES), e.getMessage());
  }

  @Test
  void processingBudgetHasDefaultsWellBelowTheStreamsTimeoutsAndReachesTheTopology() {
    TopologyConfig t = ProcessorConfig.fromMap(minimal()).topologyConfig(model(0.5f));
    assertEquals(Duration.ofSeconds(1), t.budget().event());
    assertEquals(Duration.ofSeconds(4), t.budget().batch());
    assertEquals(1, t.budget().workers());
    Map<String, String> m =
        new HashMap<>(
            ConfigSource.load(
                Optional.empty(),
                Map.of(
                    "FACEGATE_PROCESSOR_BUDGET_EVENT__MS",
                    "250",
                    "FACEGATE_PROCESSOR_BUDGET_BATCH__MS",
                    "2000",
                    "FACEGATE_PROCESSOR_BUDGET_WORKERS",
                    "3")));
    m.putAll(minimal());
    ProcessingBudget b = ProcessorConfig.fromMap(m).topologyConfig(model(0.5f)).budget();
    assertEquals(new ProcessingBudget(Duration.ofMillis(250), Duration.ofSeconds(2), 3), b);
  }

  @Test
  void processingBudgetIsValidatedAgainstItselfAndTheTimeoutsInForce() {
    Map<String, Map<String, String>> bad =
        Map.of(
            ProcessorConfig.BUDGET_EVENT_MS, Map.of(ProcessorConfig.BUDGET_EVENT_MS, "0"),
            ProcessorConfig.BUDGET_WORKERS, Map.of(ProcessorConfig.BUDGET_WORKERS, "0"),
            // the batch budget cannot be shorter than one event's
            ProcessorConfig.BUDGET_BATCH_MS,
                Map.of(
                    ProcessorConfig.BUDGET_EVENT_MS,
                    "3000",
                    ProcessorConfig.BUDGET_BATCH_MS,
                    "2000"));
    bad.forEach(
        (key, settings) -> {
          Map<String, String> m = minimal();
          m.putAll(settings);
          InvalidConfigException e =
              assertThrows(InvalidConfigException.class, () -> ProcessorConfig.fromMap(m), key);
          assertTrue(e.getMessage().contains(key), e.getMessage());
        });
    // more than half of Streams' 10 s EOS transaction timeout
    Map<String, String> m = minimal();
    m.put(ProcessorConfig.BUDGET_BATCH_MS, "6000");
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ProcessorConfig.fromMap(m));
    assertTrue(e.getMessage().contains(ProcessorConfig.BUDGET_BATCH_MS), e.getMessage());
    assertTrue(e.getMessage().contains("10000"), e.getMessage());
    // allowed once the transaction timeout is raised, unless max.poll.interval.ms is cut
    m.put(ProcessorConfig.STREAMS_PREFIX + "producer.transaction.timeout.ms", "20000");
    assertEquals(Duration.ofSeconds(6), ProcessorConfig.fromMap(m).budget().batch());
    m.put(ProcessorConfig.STREAMS_PREFIX + "max.poll.interval.ms", "10000");
    e = assertThrows(InvalidConfigException.class, () -> ProcessorConfig.fromMap(m));
    assertTrue(e.getMessage().contains("max.poll.interval.ms (10000 ms)"), e.getMessage());
  }

  @Test
  void galleryIndexSettingsHaveDefaultsComeFromTheEnvironmentAndAreValidated() {
    ProcessorConfig d = ProcessorConfig.fromMap(minimal());
    assertEquals(50_000, d.galleryIndex().threshold());
    assertEquals(64, d.galleryIndex().nprobe());
    Map<String, String> m =
        new HashMap<>(
            ConfigSource.load(
                Optional.empty(),
                Map.of(
                    "FACEGATE_PROCESSOR_GALLERY_INDEX__THRESHOLD",
                    "1000",
                    "FACEGATE_PROCESSOR_GALLERY_INDEX__NPROBE",
                    "16",
                    "FACEGATE_PROCESSOR_GALLERY_INDEX__BUILD__THREADS",
                    "2")));
    m.putAll(minimal());
    ProcessorConfig c = ProcessorConfig.fromMap(m);
    assertEquals(1000, c.galleryIndex().threshold());
    assertEquals(16, c.galleryIndex().nprobe());
    assertEquals(2, c.galleryIndex().buildThreads());
    m.put(ProcessorConfig.GALLERY_INDEX_THRESHOLD, "1");
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ProcessorConfig.fromMap(m));
    assertTrue(e.getMessage().contains(ProcessorConfig.GALLERY_INDEX_THRESHOLD), e.getMessage());
    m.put(ProcessorConfig.GALLERY_INDEX_THRESHOLD, "1000");
    m.put(ProcessorConfig.GALLERY_INDEX_NPROBE, "0");
    e = assertThrows(InvalidConfigException.class, () -> ProcessorConfig.fromMap(m));
    assertTrue(e.getMessage().contains(ProcessorConfig.GALLERY_INDEX_NPROBE), e.getMessage());
  }

  @Test
  void faceSettingsHaveDefaultsComeFromTheEnvironmentAndReachTheFinder() {
    FaceFinder.Settings d = ProcessorConfig.fromMap(minimal()).faces();
    assertEquals(FaceFinder.Settings.defaults(), d);
    Map<String, String> m =
        new HashMap<>(
            ConfigSource.load(
                Optional.empty(),
                Map.of(
                    "FACEGATE_PROCESSOR_FACE_MIN__SCORE",
                    "0.7",
                    "FACEGATE_PROCESSOR_FACE_MIN__SIZE",
                    "48",
                    "FACEGATE_PROCESSOR_FACE_MULTIPLE",
                    "Deny")));
    m.putAll(minimal());
    assertEquals(
        new FaceFinder.Settings(0.7, 48, FaceFinder.MultipleFaces.DENY),
        ProcessorConfig.fromMap(m).faces());
  }

  @Test
  void thresholdComesFromTheModelUnlessOverridden() {
    assertEquals(
        0.7f, ProcessorConfig.fromMap(minimal()).topologyConfig(model(0.7f)).policy().threshold());
    Map<String, String> m = minimal();
    m.put(ProcessorConfig.THRESHOLD, "0.4");
    assertEquals(0.4f, ProcessorConfig.fromMap(m).topologyConfig(model(0.7f)).policy().threshold());
  }

  @Test
  void badValuesNameTheirKey() {
    for (String[] kv :
        new String[][] {
          {ProcessorConfig.BATCH_MAX_SIZE, "0"},
          {ProcessorConfig.BATCH_MAX_SIZE, "many"},
          {ProcessorConfig.BATCH_MAX_WAIT_MS, "0"},
          {ProcessorConfig.DEVICE, "gpu"},
          {ProcessorConfig.THRESHOLD, "3"},
          {ProcessorConfig.MIN_MARGIN, "-1"},
          {ProcessorConfig.HTTP_PORT, "70000"},
          {ProcessorConfig.APPLICATION_ID, "a b"},
          {ProcessorConfig.SESSION_TIMEOUT_MS, "10"},
          {ProcessorConfig.BATCH_MAX_BYTES, "100"},
          {ProcessorConfig.GALLERY_INDEX_THRESHOLD, "1"},
          {ProcessorConfig.GALLERY_INDEX_NPROBE, "0"},
          {ProcessorConfig.GALLERY_INDEX_BUILD_THREADS, "0"},
          {ProcessorConfig.FACE_MIN_SCORE, "0"},
          {ProcessorConfig.FACE_MIN_SCORE, "1"},
          {ProcessorConfig.FACE_MIN_SCORE, "NaN"},
          {ProcessorConfig.FACE_MIN_SCORE, "high"},
          {ProcessorConfig.FACE_MIN_SIZE, "0"},
          {ProcessorConfig.FACE_MIN_SIZE, "5000"},
          {ProcessorConfig.FACE_MULTIPLE, "smallest"}
        }) {
      Map<String, String> m = minimal();
      m.put(kv[0], kv[1]);
      InvalidConfigException e =
          assertThrows(
              InvalidConfigException.class, () -> ProcessorConfig.fromMap(m), kv[0] + "=" + kv[1]);
      assertEquals(kv[0], e.key(), e.getMessage());
    }
  }

  @Test
  void livenessIsOffUnlessAModelIsNamedAndItsSettingsNameTheirKey() {
    ProcessorConfig off = ProcessorConfig.fromMap(minimal());
    assertEquals(Optional.empty(), off.livenessModel());
    assertEquals(0.5f, off.livenessThreshold());
    assertSame(LivenessCheck.OFF, ProcessorApp.openLiveness(off, DeviceSpec.cpu()));
    for (String none : new String[] {"none", " NONE ", ""}) {
      Map<String, String> m = minimal();
      m.put(ProcessorConfig.LIVENESS_MODEL, none);
      assertEquals(Optional.empty(), ProcessorConfig.fromMap(m).livenessModel(), "'" + none + "'");
    }
    Map<String, String> on = minimal();
    on.put(ProcessorConfig.LIVENESS_MODEL, "/models/liveness.onnx");
    on.put(ProcessorConfig.LIVENESS_THRESHOLD, "0.7");
    ProcessorConfig c = ProcessorConfig.fromMap(on);
    assertEquals(Optional.of(Path.of("/models/liveness.onnx")), c.livenessModel());
    assertEquals(0.7f, c.livenessThreshold());
    for (String bad : new String[] {"-0.1", "1.5", "NaN", "high"}) {
      Map<String, String> m = minimal();
      m.put(ProcessorConfig.LIVENESS_THRESHOLD, bad);
      InvalidConfigException e =
          assertThrows(InvalidConfigException.class, () -> ProcessorConfig.fromMap(m), bad);
      assertEquals(ProcessorConfig.LIVENESS_THRESHOLD, e.key(), e.getMessage());
    }
    Map<String, String> control = minimal();
    control.put(ProcessorConfig.LIVENESS_MODEL, "/models/a\u0001b");
    control.put(ProcessorConfig.LIVENESS_MODEL, "/models/ab");
    assertEquals(
        ProcessorConfig.LIVENESS_MODEL,
        assertThrows(InvalidConfigException.class, () -> ProcessorConfig.fromMap(control)).key());
  }

  @Test
  void aLivenessModelThatCannotBeLoadedIsRefusedNamingItsKeyAndFile() {
    Map<String, String> m = minimal();
    Path missing = dir.resolve("no-liveness.onnx");
    m.put(ProcessorConfig.LIVENESS_MODEL, missing.toString());
    ModelLoadException e =
        assertThrows(
            ModelLoadException.class,
            () -> ProcessorApp.openLiveness(ProcessorConfig.fromMap(m), DeviceSpec.cpu()));
    assertTrue(e.getMessage().startsWith(ProcessorConfig.LIVENESS_MODEL + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  @Test
  void missingModelDirIsRefused() {
    Map<String, String> m = minimal();
    m.remove(ProcessorConfig.MODEL_DIR);
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ProcessorConfig.fromMap(m));
    assertTrue(e.getMessage().contains(ProcessorConfig.MODEL_DIR));
  }

  // processor.streams.*: raw Kafka settings for tuning, which cannot weaken the guarantees

  @Test
  void prefixedSettingsReachKafkaStreamsUnchanged() {
    Properties p =
        streams(
            Map.of(
                "processor.streams.producer.linger.ms",
                "7",
                "processor.streams.heartbeat.interval.ms",
                "1500"));
    assertEquals("7", p.getProperty("producer.linger.ms"));
    assertEquals("1500", p.getProperty("heartbeat.interval.ms"));
    assertNull(p.getProperty("processor.streams.producer.linger.ms"));
  }

  @Test
  void theGuaranteeAndTheApplicationIdCannotBeOverridden() {
    Properties p =
        streams(
            Map.of(
                "processor.streams.processing.guarantee",
                "at_least_once",
                "processor.streams.application.id",
                "other"));
    assertEquals(
        StreamsConfig.EXACTLY_ONCE_V2, p.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    assertEquals("facegate-processor", p.getProperty(StreamsConfig.APPLICATION_ID_CONFIG));
  }

  @Test
  void fetchedInputPerPartitionIsBoundedByDefaultAndCanBeChanged() {
    assertEquals(
        "64", streams(Map.of()).getProperty(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG));
    assertEquals(
        "500",
        streams(Map.of("processor.streams.buffered.records.per.partition", "500"))
            .getProperty(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG));
  }
}
