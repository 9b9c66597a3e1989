package io.facegate.processor.app;

import io.facegate.model.face.FaceFinder;
import io.facegate.model.liveness.LivenessCheck;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.platform.config.ConfigDefinitions;
import io.facegate.platform.config.InvalidConfigException;
import io.facegate.platform.config.KafkaClientSettings;
import io.facegate.platform.security.SigningConfig;
import io.facegate.platform.topics.TopicNames;
import io.facegate.processor.core.embedding.Gallery;
import io.facegate.processor.core.policy.PolicyConfig;
import io.facegate.processor.topology.ProcessingBudget;
import io.facegate.processor.topology.TopologyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything the stream processor needs, typed and validated; built from the flat settings map of
 * {@code ConfigSource} (file, then {@code FACEGATE_*} environment) and turned into Kafka {@link
 * Properties} only in {@link #streamsProperties()}.
 *
 * @param kafka bootstrap servers and security ({@code kafka.*})
 * @param topics topic names ({@code topics.*})
 * @param applicationId {@code processor.application-id}: the Streams application id; every instance
 *     of one deployment shares it
 * @param modelDir {@code processor.model-dir}: directory with {@code model.onnx} (or the file)
 * @param device {@code processor.device}: cpu | cuda | cuda:N | auto
 * @param intraOpThreads {@code processor.intra-op-threads}: ONNX Runtime threads, 0 = ORT's default
 * @param stateDir {@code processor.state-dir}: Kafka Streams state directory
 * @param streamThreads {@code processor.stream-threads}
 * @param commitInterval {@code processor.commit-interval-ms}: how often the EOS transaction commits
 *     (bounds decision latency)
 * @param sessionTimeout {@code processor.session-timeout-ms}: how soon the group notices an
 *     instance or stream thread that died without leaving (Kafka's default 45 s)
 * @param maxBatchSize {@code processor.batch.max-size}
 * @param maxBatchWait {@code processor.batch.max-wait-ms}
 * @param maxBatchBytes {@code processor.batch.max-bytes}: byte bound of a task's buffered batch
 * @param budget {@code processor.budget.event-ms}, {@code .batch-ms}, {@code .workers}: how long
 *     one event's decoding and pre-processing, and one whole flush, may hold a stream thread; the
 *     batch budget must be at most half of {@code max.poll.interval.ms} and of the transaction
 *     timeout in force
 * @param imageLimits {@code processor.image.max-bytes}, {@code .max-pixels}, {@code .min-side}
 * @param faces {@code processor.face.min-score}, {@code .min-size}, {@code .multiple}: which face
 *     of a whole frame is decided (score strictly above, shorter box side in pixels at least,
 *     {@code largest} or {@code deny} when several faces are above the score)
 * @param livenessModel {@code processor.liveness.model}: the liveness ONNX file; empty = the stage
 *     is off
 * @param livenessThreshold {@code processor.liveness.threshold}: a face is live when its score is
 *     at least this
 * @param threshold {@code processor.policy.threshold}: overrides the model's calibrated threshold
 * @param minMargin {@code processor.policy.min-margin}: 1:N margin over the runner-up, 0 = off
 * @param galleryIndex {@code processor.gallery.index-threshold}, {@code .index-nprobe}, {@code
 *     .index-build-threads}: from how many templates on 1:N search uses the approximate index, and
 *     how
 * @param httpPort {@code processor.http.port}: metrics, /health and /ready; 0 = any free port
 * @param signing {@code signing.key-id} and {@code signing.key-file}: the key every decision is
 *     signed with (door controllers verify it); none means unsigned decisions
 * @param registry the raw settings, for the schema-registry client's own keys
 */
public record ProcessorConfig(
    KafkaClientSettings kafka,
    TopicNames topics,
    String applicationId,
    Path modelDir,
    DeviceSpec device,
    int intraOpThreads,
    Path stateDir,
    int streamThreads,
    Duration commitInterval,
    Duration sessionTimeout,
    int maxBatchSize,
    Duration maxBatchWait,
    int maxBatchBytes,
    ProcessingBudget budget,
    ImageLimits imageLimits,
    FaceFinder.Settings faces,
    Optional<Path> livenessModel,
    float livenessThreshold,
    Optional<Float> threshold,
    float minMargin,
    Gallery.IndexSettings galleryIndex,
    int httpPort,
    SigningConfig signing,
    Map<String, String> registry) {

  public static final String APPLICATION_ID = "processor.application-id";
  public static final String MODEL_DIR = "processor.model-dir";
  public static final String DEVICE = "processor.device";
  public static final String INTRA_OP_THREADS = "processor.intra-op-threads";
  public static final String STATE_DIR = "processor.state-dir";
  public static final String STREAM_THREADS = "processor.stream-threads";
  public static final String COMMIT_INTERVAL_MS = "processor.commit-interval-ms";

  /**
   * Default commit interval: decisions become visible to read_committed consumers (the door) at
   * each commit, so this bounds latency; 50 ms kept p99 at half load under 150 ms on the 2-core
   * benchmark machine where 100 ms did not, at no measurable throughput cost (docs/benchmarks.md).
   */
  public static final int DEFAULT_COMMIT_INTERVAL_MS = 50;

  /**
   * Default ONNX Runtime intra-op threads per stream thread: 1. ORT's own default (one spinning
   * worker per core) fought the Kafka threads and cut pipeline throughput on the benchmark machine;
   * raise it for a large model on dedicated cores, or use a GPU.
   */
  public static final int DEFAULT_INTRA_OP_THREADS = 1;

  public static final String SESSION_TIMEOUT_MS = "processor.session-timeout-ms";
  public static final String BATCH_MAX_SIZE = "processor.batch.max-size";
  public static final String BATCH_MAX_WAIT_MS = "processor.batch.max-wait-ms";
  public static final String BATCH_MAX_BYTES = "processor.batch.max-bytes";
  public static final String BUDGET_EVENT_MS = "processor.budget.event-ms";
  public static final String BUDGET_BATCH_MS = "processor.budget.batch-ms";
  public static final String BUDGET_WORKERS = "processor.budget.workers";
  public static final String IMAGE_MAX_BYTES = "processor.image.max-bytes";
  public static final String IMAGE_MAX_PIXELS = "processor.image.max-pixels";
  public static final String IMAGE_MIN_SIDE = "processor.image.min-side";
  public static final String FACE_MIN_SCORE = "processor.face.min-score";
  public static final String FACE_MIN_SIZE = "processor.face.min-size";
  public static final String FACE_MULTIPLE = "processor.face.multiple";
  public static final String LIVENESS_MODEL = "processor.liveness.model";
  public static final String LIVENESS_THRESHOLD = "processor.liveness.threshold";

  /** The value of {@link #LIVENESS_MODEL} that switches the stage off, like leaving it unset. */
  static final String LIVENESS_OFF = "none";

  /**
   * Default live-score threshold: the {@code liveness} network falsely rejects 0.45 % of CelebA's
   * live faces at 0.5 but 11 % of ORL's grey scans (docs/pretrained.md); tune it per camera.
   */
  public static final double DEFAULT_LIVENESS_THRESHOLD = 0.5;

  public static final String THRESHOLD = "processor.policy.threshold";
  public static final String MIN_MARGIN = "processor.policy.min-margin";
  public static final String GALLERY_INDEX_THRESHOLD = "processor.gallery.index-threshold";
  public static final String GALLERY_INDEX_NPROBE = "processor.gallery.index-nprobe";
  public static final String GALLERY_INDEX_BUILD_THREADS = "processor.gallery.index-build-threads";
  public static final String HTTP_PORT = "processor.http.port";

  /**
   * Prefix of raw Kafka Streams / client settings passed through unchanged, for tuning (e.g. {@code
   * processor.streams.heartbeat.interval.ms}, {@code processor.streams.producer.linger.ms}). Cannot
   * weaken the guarantees: the processing guarantee, application id and naming rule set here win.
   */
  public static final String STREAMS_PREFIX = "processor.streams.";

  /** Fetched records queued per partition before Streams pauses it (Kafka's default: 1000). */
  static final int BUFFERED_RECORDS_PER_PARTITION = 64;

  /** Kafka Streams' transaction timeout under exactly-once unless overridden: 10 s. */
  static final long STREAMS_EOS_TRANSACTION_TIMEOUT_MS = 10_000;

  /** The consumer's {@code max.poll.interval.ms} unless overridden: 5 min. */
  static final long CONSUMER_MAX_POLL_INTERVAL_MS = 300_000;

  /** The file inside {@link #modelDir()} that holds the network. */
  public static final String MODEL_FILE = "model.onnx";

  /**
   * Every processor setting: key, type, default, validator and meaning, defined once. The typed
   * record below is read from it ({@link #fromMap}); docs/processor.md's table is rendered from it
   * ({@code ProcessorConfigDocsTest}). Settings owned by other records ({@code kafka.*}, {@code
   * topics.*}, {@code signing.*}, the registry) are defined there.
   */
  public static final ConfigDef DEFINITION =
      new ConfigDef()
          .define(
              MODEL_DIR,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              new ConfigDef.NonEmptyStringWithoutControlChars(),
              Importance.HIGH,
              "directory with model.onnx and model-card.json, or the .onnx file (option --model)")
          .define(
              DEVICE,
              Type.STRING,
              "auto",
              with(v -> DeviceSpec.parse((String) v), "cpu, cuda, cuda:N or auto"),
              Importance.HIGH,
              "ONNX Runtime device; auto takes CUDA when it works and says so when it falls back"
                  + " (option --device)")
          .define(
              APPLICATION_ID,
              Type.STRING,
              "facegate-processor",
              with(
                  v ->
                      require(
                          ((String) v).matches("[a-zA-Z0-9._-]{1,200}"),
                          "must be 1-200 of [a-zA-Z0-9._-]"),
                  "1-200 of [a-zA-Z0-9._-]"),
              Importance.HIGH,
              "Kafka Streams application id; every instance of one deployment shares it"
                  + " (option --application-id)")
          .define(
              STATE_DIR,
              Type.STRING,
              null,
              Importance.MEDIUM,
              "Kafka Streams state directory; none = facegate-streams in java.io.tmpdir (option --state-dir)")
          .define(
              STREAM_THREADS,
              Type.INT,
              1,
              Range.between(1, 64),
              Importance.MEDIUM,
              "stream threads per instance")
          .define(
              COMMIT_INTERVAL_MS,
              Type.INT,
              DEFAULT_COMMIT_INTERVAL_MS,
              Range.atLeast(1),
              Importance.MEDIUM,
              "exactly-once transaction commit interval; decisions become visible at each commit, so it bounds"
                  + " latency (benchmarks.md)")
          .define(
              SESSION_TIMEOUT_MS,
              Type.INT,
              45_000,
              Range.atLeast(1000),
              Importance.LOW,
              "how soon the group notices an instance or stream thread that died without leaving")
          .define(
              BATCH_MAX_SIZE,
              Type.INT,
              16,
              Range.between(1, 4096),
              Importance.MEDIUM,
              "events per inference call (option --batch-size)")
          .define(
              BATCH_MAX_WAIT_MS,
              Type.INT,
              20,
              Range.between(1, 60_000),
              Importance.MEDIUM,
              "longest wait to fill a batch (option --batch-wait-ms)")
          .define(
              BATCH_MAX_BYTES,
              Type.INT,
              TopologyConfig.DEFAULT_MAX_BATCH_BYTES,
              Range.atLeast(1024),
              Importance.LOW,
              "a task flushes before its buffered records would exceed this many bytes")
          .define(
              BUDGET_EVENT_MS,
              Type.INT,
              (int) ProcessingBudget.DEFAULT_EVENT.toMillis(),
              Range.atLeast(1),
              Importance.MEDIUM,
              "decoding and pre-processing of one event; over it: DENIED PROCESSING_TIMEOUT")
          .define(
              BUDGET_BATCH_MS,
              Type.INT,
              (int) ProcessingBudget.DEFAULT_BATCH.toMillis(),
              Range.atLeast(1),
              Importance.MEDIUM,
              "all one flush waits for (decoding, then inference); at least the event budget, at"
                  + " most half the transaction timeout and half max.poll.interval.ms")
          .define(
              BUDGET_WORKERS,
              Type.INT,
              ProcessingBudget.DEFAULT_WORKERS,
              Range.between(1, 64),
              Importance.LOW,
              "worker threads per task for decoding and inference")
          .define(
              IMAGE_MAX_BYTES,
              Type.INT,
              ImageLimits.defaults().maxBytes(),
              Range.atLeast(1),
              Importance.MEDIUM,
              "largest encoded image, checked before decoding")
          .define(
              IMAGE_MAX_PIXELS,
              Type.INT,
              ImageLimits.defaults().maxPixels(),
              Range.atLeast(1),
              Importance.MEDIUM,
              "largest image in pixels, checked from the header before decoding; the JPEG decode budget"
                  + " (100 scans, 16 x max-pixels pixel-scans) follows it")
          .define(
              IMAGE_MIN_SIDE,
              Type.INT,
              ImageLimits.defaults().minSide(),
              Range.atLeast(1),
              Importance.LOW,
              "smallest accepted width and height")
          .define(
              FACE_MIN_SCORE,
              Type.DOUBLE,
              FaceFinder.Settings.DEFAULT_MIN_SCORE,
              with(v -> require((Double) v > 0 && (Double) v < 1, "must be in (0, 1)"), "(0, 1)"),
              Importance.MEDIUM,
              "frames: a face needs a detection score above this; lower boxes give DENIED"
                  + " LOW_DETECTION_SCORE, none at all NO_FACE")
          .define(
              FACE_MIN_SIZE,
              Type.INT,
              FaceFinder.Settings.DEFAULT_MIN_FACE_SIDE,
              Range.between(1, 4096),
              Importance.MEDIUM,
              "frames: the chosen face box's shorter side in source pixels; smaller gives DENIED"
                  + " FACE_TOO_SMALL")
          .define(
              FACE_MULTIPLE,
              Type.STRING,
              "largest",
              with(v -> FaceFinder.MultipleFaces.parse((String) v), "largest or deny"),
              Importance.MEDIUM,
              "frames with several faces above the score: decide the largest, or deny"
                  + " MULTIPLE_FACES (tailgating-sensitive doors)")
          .define(
              LIVENESS_MODEL,
              Type.STRING,
              LIVENESS_OFF,
              new ConfigDef.NonEmptyStringWithoutControlChars(),
              Importance.MEDIUM,
              "liveness ONNX file (facegate pretrained import liveness), run on the decided face on"
                  + " the embedder's device; none = the stage is off (processor.md, liveness)")
          .define(
              LIVENESS_THRESHOLD,
              Type.DOUBLE,
              DEFAULT_LIVENESS_THRESHOLD,
              with(v -> LivenessCheck.threshold(((Double) v).floatValue()), "[0, 1]"),
              Importance.MEDIUM,
              "a face whose live score is below this is DENIED SPOOF_SUSPECTED; a failing model"
                  + " or a score that is not a number in [0, 1] DENIED MODEL_ERROR")
          .define(
              THRESHOLD,
              Type.DOUBLE,
              null,
              with(v -> require((Double) v > 0 && (Double) v <= 2, "must be in (0, 2]"), "(0, 2]"),
              Importance.HIGH,
              "distance threshold; none = the model's calibrated one (option --threshold)")
          .define(
              MIN_MARGIN,
              Type.DOUBLE,
              0.0,
              with(v -> require((Double) v >= 0 && (Double) v < 2, "must be in [0, 2)"), "[0, 2)"),
              Importance.LOW,
              "1:N: the runner-up must be this much farther than the best match; 0 = off")
          .define(
              INTRA_OP_THREADS,
              Type.INT,
              DEFAULT_INTRA_OP_THREADS,
              Range.between(0, 256),
              Importance.LOW,
              "ONNX Runtime threads per inference call; 0 = ORT's default (one per core, which fought the Kafka"
                  + " threads on 2 cores)")
          .define(
              GALLERY_INDEX_THRESHOLD,
              Type.INT,
              Gallery.IndexSettings.defaults().threshold(),
              Range.atLeast(1),
              Importance.LOW,
              "from this many templates on, 1:N search uses the approximate index (1:1 is always"
                  + " exact); scaling.md")
          .define(
              GALLERY_INDEX_NPROBE,
              Type.INT,
              Gallery.IndexSettings.defaults().nprobe(),
              Range.atLeast(1),
              Importance.LOW,
              "index cells searched per probe; more = closer to exact, slower")
          .define(
              GALLERY_INDEX_BUILD_THREADS,
              Type.INT,
              Gallery.IndexSettings.defaults().buildThreads(),
              Range.between(1, 64),
              Importance.LOW,
              "threads of the background index build")
          .define(
              HTTP_PORT,
              Type.INT,
              9464,
              Range.between(0, 65535),
              Importance.LOW,
              "metrics, /health and /ready; 0 = any free port (option --http-port)");

  private static ConfigDef.Validator with(java.util.function.Consumer<Object> check, String valid) {
    return ConfigDef.LambdaValidator.with(
        (name, value) -> {
          if (value == null) {
            return; // an optional setting left unset
          }
          try {
            check.accept(value);
          } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
          }
        },
        () -> valid);
  }

  private static void require(boolean ok, String problem) {
    if (!ok) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** Single values are checked by {@link #DEFINITION}; here what spans several. */
  public ProcessorConfig {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(applicationId, APPLICATION_ID);
    Objects.requireNonNull(modelDir, MODEL_DIR);
    Objects.requireNonNull(device, DEVICE);
    Objects.requireNonNull(stateDir, STATE_DIR);
    Objects.requireNonNull(commitInterval, COMMIT_INTERVAL_MS);
    Objects.requireNonNull(sessionTimeout, SESSION_TIMEOUT_MS);
    Objects.requireNonNull(imageLimits, "image limits");
    Objects.requireNonNull(faces, "face settings");
    Objects.requireNonNull(livenessModel, LIVENESS_MODEL);
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(threshold, THRESHOLD);
    Objects.requireNonNull(galleryIndex, "gallery index settings");
    Objects.requireNonNull(signing, "signing");
    registry = Map.copyOf(registry == null ? Map.of() : registry);
    checkBudgetFitsTimeouts(budget, registry);
    // the batch settings are checked here, not when the topology is built, so that a bad one is
    // named at start-up
    namingKey(
        () ->
            new TopologyConfig(
                maxBatchSize, maxBatchWait, maxBatchBytes, imageLimits, new PolicyConfig(1f, 0f)),
        Map.of(
            "maxBatchSize",
            BATCH_MAX_SIZE,
            "maxBatchWait",
            BATCH_MAX_WAIT_MS,
            "maxBatchBytes",
            BATCH_MAX_BYTES));
  }

  /**
   * A flush that takes its whole budget must still leave the stream thread time to poll and to
   * commit: the batch budget may use at most half of either timeout, as Streams will apply them.
   */
  private static void checkBudgetFitsTimeouts(ProcessingBudget budget, Map<String, String> raw) {
    long transaction =
        streamsLong(
            raw,
            STREAMS_EOS_TRANSACTION_TIMEOUT_MS,
            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
            StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG));
    long poll =
        streamsLong(
            raw,
            CONSUMER_MAX_POLL_INTERVAL_MS,
            ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
            StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
            StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG));
    long batch = budget.batch().toMillis();
    if (batch * 2 > transaction || batch * 2 > poll) {
      throw new InvalidConfigException(
          BUDGET_BATCH_MS,
          batch
              + " ms is more than half of the "
              + "transaction timeout ("
              + transaction
              + " ms) or of max.poll.interval.ms ("
              + poll
              + " ms): a slow batch would get the task fenced and replayed");
    }
  }

  /** A Streams client setting as passed through {@link #STREAMS_PREFIX}; the last key wins. */
  private static long streamsLong(Map<String, String> raw, long dflt, String... keys) {
    long value = dflt;
    for (String k : keys) {
      String v = raw.get(STREAMS_PREFIX + k);
      if (v != null && !v.isBlank()) {
        try {
          value = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
          throw new InvalidConfigException(STREAMS_PREFIX + k, "not an integer: '" + v + "'");
        }
      }
    }
    return value;
  }

  /**
   * Builds a settings record whose constructor checks its values and starts its message with the
   * field at fault; a refusal becomes an {@link InvalidConfigException} naming that field's key.
   */
  private static <T> T namingKey(Supplier<T> build, Map<String, String> keyByField) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      String problem = String.valueOf(e.getMessage());
      String key =
          keyByField.entrySet().stream()
              .filter(f -> problem.startsWith(f.getKey() + " "))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElse(String.join(" / ", new TreeMap<>(keyByField).values()));
      throw new InvalidConfigException(key, problem, e);
    }
  }

  /**
   * Reads the settings map against {@link #DEFINITION}; missing keys take their defaults, except
   * the model directory and the bootstrap servers.
   *
   * @throws InvalidConfigException naming the offending key
   */
  public static ProcessorConfig fromMap(Map<String, String> m) {
    Map<String, Object> v = ConfigDefinitions.parse(DEFINITION, m);
    ImageLimits limits =
        namingKey(
            () ->
                new ImageLimits(
                    integer(v, IMAGE_MAX_BYTES),
                    integer(v, IMAGE_MAX_PIXELS),
                    integer(v, IMAGE_MIN_SIDE)),
            Map.of(
                "maxBytes",
                IMAGE_MAX_BYTES,
                "maxPixels",
                IMAGE_MAX_PIXELS,
                "minSide",
                IMAGE_MIN_SIDE));
    ProcessingBudget budget =
        namingKey(
            () ->
                new ProcessingBudget(
                    millis(v, BUDGET_EVENT_MS),
                    millis(v, BUDGET_BATCH_MS),
                    integer(v, BUDGET_WORKERS)),
            Map.of("event", BUDGET_EVENT_MS, "batch", BUDGET_BATCH_MS, "workers", BUDGET_WORKERS));
    FaceFinder.Settings faces =
        new FaceFinder.Settings(
            (Double) v.get(FACE_MIN_SCORE),
            integer(v, FACE_MIN_SIZE),
            FaceFinder.MultipleFaces.parse((String) v.get(FACE_MULTIPLE)));
    Gallery.IndexSettings gallery =
        namingKey(
            () ->
                new Gallery.IndexSettings(
                    integer(v, GALLERY_INDEX_THRESHOLD),
                    integer(v, GALLERY_INDEX_NPROBE),
                    integer(v, GALLERY_INDEX_BUILD_THREADS)),
            Map.of(
                "threshold",
                GALLERY_INDEX_THRESHOLD,
                "nprobe",
                GALLERY_INDEX_NPROBE,
                "buildThreads",
                GALLERY_INDEX_BUILD_THREADS));
    return new ProcessorConfig(
        KafkaClientSettings.fromMap(m),
        TopicNames.fromMap(m),
        (String) v.get(APPLICATION_ID),
        Path.of((String) v.get(MODEL_DIR)),
        DeviceSpec.parse((String) v.get(DEVICE)),
        integer(v, INTRA_OP_THREADS),
        v.get(STATE_DIR) != null
            ? Path.of((String) v.get(STATE_DIR))
            : Path.of(System.getProperty("java.io.tmpdir"), "facegate-streams"),
        integer(v, STREAM_THREADS),
        millis(v, COMMIT_INTERVAL_MS),
        millis(v, SESSION_TIMEOUT_MS),
        integer(v, BATCH_MAX_SIZE),
        millis(v, BATCH_MAX_WAIT_MS),
        integer(v, BATCH_MAX_BYTES),
        budget,
        limits,
        faces,
        livenessModel((String) v.get(LIVENESS_MODEL)),
        ((Double) v.get(LIVENESS_THRESHOLD)).floatValue(),
        Optional.ofNullable((Double) v.get(THRESHOLD)).map(Double::floatValue),
        ((Double) v.get(MIN_MARGIN)).floatValue(),
        gallery,
        integer(v, HTTP_PORT),
        SigningConfig.fromMap(m),
        m);
  }

  private static Optional<Path> livenessModel(String value) {
    return value.trim().equalsIgnoreCase(LIVENESS_OFF)
        ? Optional.empty()
        : Optional.of(Path.of(value.trim()));
  }

  private static int integer(Map<String, Object> values, String key) {
    return (Integer) values.get(key);
  }

  private static Duration millis(Map<String, Object> values, String key) {
    return Duration.ofMillis((Integer) values.get(key));
  }

  /** The ONNX file: {@code modelDir/model.onnx}, or {@code modelDir} itself if it is a file. */
  public Path modelFile() {
    return Files.isRegularFile(modelDir) ? modelDir : modelDir.resolve(MODEL_FILE);
  }

  /** The topology settings, with the model's calibrated threshold unless overridden. */
  public TopologyConfig topologyConfig(ModelMetadata model) {
    float t = threshold.orElse(model.threshold());
    try {
      return new TopologyConfig(
          maxBatchSize,
          maxBatchWait,
          maxBatchBytes,
          imageLimits,
          new PolicyConfig(t, minMargin),
          budget);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(THRESHOLD, e.getMessage());
    }
  }

  /** Kafka Streams settings: exactly-once v2, explicit naming, security from {@code kafka.*}. */
  public Properties streamsProperties() {
    Properties p = kafka.toProperties();
    registry.forEach(
        (k, v) -> {
          if (k.startsWith(STREAMS_PREFIX) && k.length() > STREAMS_PREFIX.length()) {
            p.put(k.substring(STREAMS_PREFIX.length()), v);
          }
        });
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true");
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(streamThreads));
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(commitInterval.toMillis()));
    p.putIfAbsent(
        StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // camera frames are large: Streams queues up to this many fetched records per partition
    // before it pauses fetching (Kafka's default 1000 x 8 MiB images would be 8 GiB per task)
    p.putIfAbsent(
        StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG,
        Integer.toString(BUFFERED_RECORDS_PER_PARTITION));
    p.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
        Long.toString(sessionTimeout.toMillis()));
    // the producer writes batch-buffer changelog entries that copy whole frames (Kafka's default
    // max.request.size is 1 MiB): it must take the largest, or a large image fails the task
    atLeast(
        p,
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        TopologyConfig.bufferEntryLimit(imageLimits));
    return p;
  }

  private static void atLeast(Properties p, String key, int min) {
    Object set = p.get(key);
    long value = min;
    if (set != null) {
      try {
        value = Math.max(min, Long.parseLong(set.toString().trim()));
      } catch (NumberFormatException e) {
        throw new InvalidConfigException(STREAMS_PREFIX + key, "not an integer: '" + set + "'");
      }
    }
    p.put(key, Long.toString(value));
  }
}
