package io.facegate.processor.app;

import io.facegate.model.face.FaceFinder;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.preprocess.ImageLimits;
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
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything the stream processor needs, typed and validated; built from the flat settings map of
 * {@code ConfigSource} (file, then {@code FACEGATE_*} environment) and turned into Kafka
 * {@link Properties} only in {@link #streamsProperties()}.
 *
 * @param kafka bootstrap servers and security ({@code kafka.*})
 * @param topics topic names ({@code topics.*})
 * @param applicationId {@code processor.application-id}: the Streams application id; every
 *     instance of one deployment shares it
 * @param modelDir {@code processor.model-dir}: directory with {@code model.onnx} (or the file)
 * @param device {@code processor.device}: cpu | cuda | cuda:N | auto
 * @param intraOpThreads {@code processor.intra-op-threads}: ONNX Runtime threads, 0 = ORT's default
 * @param stateDir {@code processor.state-dir}: Kafka Streams state directory
 * @param streamThreads {@code processor.stream-threads}
 * @param commitInterval {@code processor.commit-interval-ms}: how often the EOS transaction
 *     commits (bounds decision latency)
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
 * @param threshold {@code processor.policy.threshold}: overrides the model's calibrated threshold
 * @param minMargin {@code processor.policy.min-margin}: 1:N margin over the runner-up, 0 = off
 * @param galleryIndex {@code processor.gallery.index-threshold}, {@code .index-nprobe},
 *     {@code .index-build-threads}: from how many templates on 1:N search uses the approximate
 *     index, and how
 * @param httpPort {@code processor.http.port}: metrics, /health and /ready; 0 = any free port
 * @param signing {@code signing.key-id} and {@code signing.key-file}: the key every decision is
 *     signed with (door controllers verify it); none means unsigned decisions
 * @param registry the raw settings, for the schema-registry client's own keys
 */
public record ProcessorConfig(KafkaClientSettings kafka, TopicNames topics, String applicationId,
    Path modelDir, DeviceSpec device, int intraOpThreads, Path stateDir, int streamThreads,
    Duration commitInterval, Duration sessionTimeout, int maxBatchSize, Duration maxBatchWait,
    int maxBatchBytes, ProcessingBudget budget, ImageLimits imageLimits, FaceFinder.Settings faces,
    Optional<Float> threshold, float minMargin, Gallery.IndexSettings galleryIndex, int httpPort,
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
   * worker per core) fought the Kafka threads and cut pipeline throughput on the benchmark
   * machine; raise it for a large model on dedicated cores, or use a GPU.
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
  public static final String THRESHOLD = "processor.policy.threshold";
  public static final String MIN_MARGIN = "processor.policy.min-margin";
  public static final String GALLERY_INDEX_THRESHOLD = "processor.gallery.index-threshold";
  public static final String GALLERY_INDEX_NPROBE = "processor.gallery.index-nprobe";
  public static final String GALLERY_INDEX_BUILD_THREADS = "processor.gallery.index-build-threads";
  public static final String HTTP_PORT = "processor.http.port";
  /**
   * Prefix of raw Kafka Streams / client settings passed through unchanged, for tuning (e.g.
   * {@code processor.streams.heartbeat.interval.ms}, {@code processor.streams.producer.linger.ms}).
   * Cannot weaken the guarantees: the processing guarantee, application id and naming rule set
   * here win.
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

  public ProcessorConfig {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(topics, "topics");
    if (applicationId == null || !applicationId.matches("[a-zA-Z0-9._-]{1,200}")) {
      throw new InvalidConfigException(APPLICATION_ID, "must be 1-200 of [a-zA-Z0-9._-], got '"
          + applicationId + "'");
    }
    if (modelDir == null) {
      throw new InvalidConfigException(MODEL_DIR, "is required");
    }
    Objects.requireNonNull(device, DEVICE);
    if (intraOpThreads < 0 || intraOpThreads > 256) {
      throw new InvalidConfigException(INTRA_OP_THREADS, "must be in [0, 256]: " + intraOpThreads);
    }
    Objects.requireNonNull(stateDir, STATE_DIR);
    if (streamThreads < 1 || streamThreads > 64) {
      throw new InvalidConfigException(STREAM_THREADS, "must be in [1, 64]: " + streamThreads);
    }
    if (commitInterval == null || commitInterval.toMillis() < 1) {
      throw new InvalidConfigException(COMMIT_INTERVAL_MS, "must be >= 1 ms");
    }
    if (sessionTimeout == null || sessionTimeout.toMillis() < 1000) {
      throw new InvalidConfigException(SESSION_TIMEOUT_MS, "must be >= 1000 ms");
    }
    Objects.requireNonNull(imageLimits, "image limits");
    Objects.requireNonNull(faces, "face settings");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(threshold, THRESHOLD);
    threshold.ifPresent(t -> {
      if (!(t > 0f && t <= 2f)) {
        throw new InvalidConfigException(THRESHOLD, "must be in (0, 2]: " + t);
      }
    });
    if (!(minMargin >= 0f && minMargin < 2f)) {
      throw new InvalidConfigException(MIN_MARGIN, "must be in [0, 2): " + minMargin);
    }
    Objects.requireNonNull(galleryIndex, "gallery index settings");
    if (httpPort < 0 || httpPort > 65535) {
      throw new InvalidConfigException(HTTP_PORT, "must be a port number or 0: " + httpPort);
    }
    Objects.requireNonNull(signing, "signing");
    registry = Map.copyOf(registry == null ? Map.of() : registry);
    checkBudgetFitsTimeouts(budget, registry);
    // the batch settings are checked here, not when the topology is built, so that a bad one is
    // named at start-up
    namingKey(() -> new TopologyConfig(maxBatchSize, maxBatchWait, maxBatchBytes, imageLimits,
        new PolicyConfig(1f, 0f)),
        Map.of("maxBatchSize", BATCH_MAX_SIZE, "maxBatchWait", BATCH_MAX_WAIT_MS,
            "maxBatchBytes", BATCH_MAX_BYTES));
  }

  /**
   * A flush that takes its whole budget must still leave the stream thread time to poll and to
   * commit: the batch budget may use at most half of either timeout, as Streams will apply them.
   */
  private static void checkBudgetFitsTimeouts(ProcessingBudget budget, Map<String, String> raw) {
    long transaction = streamsLong(raw, STREAMS_EOS_TRANSACTION_TIMEOUT_MS,
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
        StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG));
    long poll = streamsLong(raw, CONSUMER_MAX_POLL_INTERVAL_MS,
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
        StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG));
    long batch = budget.batch().toMillis();
    if (batch * 2 > transaction || batch * 2 > poll) {
      throw new InvalidConfigException(BUDGET_BATCH_MS, batch + " ms is more than half of the "
          + "transaction timeout (" + transaction + " ms) or of max.poll.interval.ms (" + poll
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
      String key = keyByField.entrySet().stream()
          .filter(f -> problem.startsWith(f.getKey() + " "))
          .map(Map.Entry::getValue)
          .findFirst()
          .orElse(String.join(" / ", new TreeMap<>(keyByField).values()));
      throw new InvalidConfigException(key, problem, e);
    }
  }

  /**
   * Reads the settings map; missing keys take their defaults, except the model directory and
   * the bootstrap servers.
   *
   * @throws InvalidConfigException naming the offending key
   */
  public static ProcessorConfig fromMap(Map<String, String> m) {
    ImageLimits d = ImageLimits.defaults();
    ImageLimits limits;
    try {
      limits = new ImageLimits(intValue(m, IMAGE_MAX_BYTES, d.maxBytes()),
          intValue(m, IMAGE_MAX_PIXELS, d.maxPixels()), intValue(m, IMAGE_MIN_SIDE, d.minSide()));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("processor.image.*", e.getMessage());
    }
    DeviceSpec device;
    try {
      device = DeviceSpec.parse(m.getOrDefault(DEVICE, "auto"));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(DEVICE, e.getMessage());
    }
    String model = m.get(MODEL_DIR);
    return new ProcessorConfig(
        KafkaClientSettings.fromMap(m),
        TopicNames.fromMap(m),
        m.getOrDefault(APPLICATION_ID, "facegate-processor"),
        model == null || model.isBlank() ? null : Path.of(model),
        device,
        intValue(m, INTRA_OP_THREADS, DEFAULT_INTRA_OP_THREADS),
        Path.of(m.getOrDefault(STATE_DIR,
            Path.of(System.getProperty("java.io.tmpdir"), "facegate-streams").toString())),
        intValue(m, STREAM_THREADS, 1),
        Duration.ofMillis(intValue(m, COMMIT_INTERVAL_MS, DEFAULT_COMMIT_INTERVAL_MS)),
        Duration.ofMillis(intValue(m, SESSION_TIMEOUT_MS, 45_000)),
        intValue(m, BATCH_MAX_SIZE, 16),
        Duration.ofMillis(intValue(m, BATCH_MAX_WAIT_MS, 20)),
        intValue(m, BATCH_MAX_BYTES, TopologyConfig.DEFAULT_MAX_BATCH_BYTES),
        budget(m),
        limits,
        faces(m),
        Optional.ofNullable(m.get(THRESHOLD)).filter(s -> !s.isBlank())
            .map(s -> floatValue(THRESHOLD, s)),
        m.containsKey(MIN_MARGIN) ? floatValue(MIN_MARGIN, m.get(MIN_MARGIN)) : 0f,
        galleryIndex(m),
        intValue(m, HTTP_PORT, 9464),
        SigningConfig.fromMap(m),
        m);
  }

  private static ProcessingBudget budget(Map<String, String> m) {
    Duration event = Duration.ofMillis(intValue(m, BUDGET_EVENT_MS,
        (int) ProcessingBudget.DEFAULT_EVENT.toMillis()));
    Duration batch = Duration.ofMillis(intValue(m, BUDGET_BATCH_MS,
        (int) ProcessingBudget.DEFAULT_BATCH.toMillis()));
    int workers = intValue(m, BUDGET_WORKERS, ProcessingBudget.DEFAULT_WORKERS);
    return namingKey(() -> new ProcessingBudget(event, batch, workers),
        Map.of("event", BUDGET_EVENT_MS, "batch", BUDGET_BATCH_MS, "workers", BUDGET_WORKERS));
  }

  private static FaceFinder.Settings faces(Map<String, String> m) {
    double minScore = m.containsKey(FACE_MIN_SCORE) ? floatValue(FACE_MIN_SCORE,
        m.get(FACE_MIN_SCORE)) : FaceFinder.Settings.DEFAULT_MIN_SCORE;
    int minSize = intValue(m, FACE_MIN_SIZE, FaceFinder.Settings.DEFAULT_MIN_FACE_SIDE);
    FaceFinder.MultipleFaces multiple;
    try {
      multiple = FaceFinder.MultipleFaces.parse(m.getOrDefault(FACE_MULTIPLE, "largest"));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(FACE_MULTIPLE, e.getMessage());
    }
    return namingKey(() -> new FaceFinder.Settings(minScore, minSize, multiple),
        Map.of("minScore", FACE_MIN_SCORE, "minFaceSide", FACE_MIN_SIZE));
  }

  private static Gallery.IndexSettings galleryIndex(Map<String, String> m) {
    Gallery.IndexSettings d = Gallery.IndexSettings.defaults();
    int threshold = intValue(m, GALLERY_INDEX_THRESHOLD, d.threshold());
    int nprobe = intValue(m, GALLERY_INDEX_NPROBE, d.nprobe());
    int threads = intValue(m, GALLERY_INDEX_BUILD_THREADS, d.buildThreads());
    return namingKey(() -> new Gallery.IndexSettings(threshold, nprobe, threads),
        Map.of("threshold", GALLERY_INDEX_THRESHOLD, "nprobe", GALLERY_INDEX_NPROBE,
            "buildThreads", GALLERY_INDEX_BUILD_THREADS));
  }

  /** The ONNX file: {@code modelDir/model.onnx}, or {@code modelDir} itself if it is a file. */
  public Path modelFile() {
    return Files.isRegularFile(modelDir) ? modelDir : modelDir.resolve(MODEL_FILE);
  }

  /** The topology settings, with the model's calibrated threshold unless overridden. */
  public TopologyConfig topologyConfig(ModelMetadata model) {
    float t = threshold.orElse(model.threshold());
    try {
      return new TopologyConfig(maxBatchSize, maxBatchWait, maxBatchBytes, imageLimits,
          new PolicyConfig(t, minMargin), budget);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(THRESHOLD, e.getMessage());
    }
  }

  /** Kafka Streams settings: exactly-once v2, explicit naming, security from {@code kafka.*}. */
  public Properties streamsProperties() {
    Properties p = kafka.toProperties();
    registry.forEach((k, v) -> {
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
    p.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // camera frames are large: Streams queues up to this many fetched records per partition
    // before it pauses fetching (Kafka's default 1000 x 8 MiB images would be 8 GiB per task)
    p.putIfAbsent(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG,
        Integer.toString(BUFFERED_RECORDS_PER_PARTITION));
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
        Long.toString(sessionTimeout.toMillis()));
    // the producer writes batch-buffer changelog entries that copy whole frames (Kafka's default
    // max.request.size is 1 MiB): it must take the largest, or a large image fails the task
    atLeast(p, StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
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

  private static int intValue(Map<String, String> m, String key, int dflt) {
    String v = m.get(key);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new InvalidConfigException(key, "not an integer: '" + v + "'");
    }
  }

  private static float floatValue(String key, String v) {
    try {
      return Float.parseFloat(v.trim());
    } catch (NumberFormatException e) {
      throw new InvalidConfigException(key, "not a number: '" + v + "'");
    }
  }
}
