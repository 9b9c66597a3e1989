package io.facegate.processor.app;

import io.facegate.model.liveness.LivenessCheck;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.Embedder;
import io.facegate.model.onnx.FaceStages;
import io.facegate.model.onnx.ModelLoadException;
import io.facegate.model.onnx.OnnxEmbedder;
import io.facegate.model.onnx.OnnxLivenessCheck;
import io.facegate.model.preprocess.PreprocessSpec;
import io.facegate.model.preprocess.RawImage;
import io.facegate.processor.core.embedding.Gallery;
import io.facegate.processor.topology.DecisionSeal;
import io.facegate.processor.topology.FacegateTopology;
import io.facegate.processor.topology.ProcessingObserver;
import io.facegate.processor.topology.ProcessorTopics;
import io.facegate.processor.topology.TopologyConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running stream processor: the loaded model, the Kafka Streams client with exactly-once v2,
 * the metrics registry and the operations HTTP endpoint. Owns all of them; {@link #close()} shuts
 * them down in order (Streams first, so that the last transaction commits or aborts before the
 * model goes away).
 */
public final class ProcessorApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessorApp.class);

  /** A stream thread that dies is replaced this many times before the client shuts down. */
  private static final int MAX_THREAD_REPLACEMENTS = 3;

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final OnnxEmbedder embedder;
  private final FaceStages.LoadedFinder faces;
  private final LivenessCheck liveness;
  private final PrometheusMeterRegistry registry;
  private final ProcessorMetrics metrics;
  private final KafkaStreams streams;
  private final KafkaStreamsMetrics streamsMetrics;
  private final OpsHttpServer http;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Gallery gallery;
  private final AtomicInteger replaced = new AtomicInteger();

  private ProcessorApp(
      OnnxEmbedder embedder,
      FaceStages.LoadedFinder faces,
      LivenessCheck liveness,
      PrometheusMeterRegistry registry,
      ProcessorMetrics metrics,
      Gallery gallery,
      Topology topology,
      ProcessorConfig config) {
    this.embedder = embedder;
    this.faces = faces;
    this.liveness = liveness;
    this.registry = registry;
    this.metrics = metrics;
    this.gallery = gallery;
    this.streams = new KafkaStreams(topology, config.streamsProperties());
    streams.setUncaughtExceptionHandler(
        e -> {
          if (replaced.incrementAndGet() <= MAX_THREAD_REPLACEMENTS) {
            LOG.error(
                "stream thread died; replacing it (uncommitted work is redone, exactly once)", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
          }
          LOG.error("stream thread died {} times; shutting down", replaced.get(), e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> {
          LOG.info("streams state {} -> {}", before, now);
          if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
            stopped.countDown();
          }
        });
    this.streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
    this.http =
        OpsHttpServer.start(config.httpPort(), registry::scrape, this::healthProblem, this::ready);
  }

  /**
   * Loads the model, builds the topology and starts processing.
   *
   * @throws io.facegate.model.onnx.ModelLoadException if the model or device cannot be used
   */
  public static ProcessorApp start(ProcessorConfig config, ProcessorTopics topics) {
    return start(config, topics, UnaryOperator.identity(), UnaryOperator.identity());
  }

  /**
   * As {@link #start(ProcessorConfig, ProcessorTopics)}, with the model wrapped by {@code decorate}
   * and what the topology reports to wrapped by {@code observe}: tests inject slow or failing
   * models, and stream-thread crashes at chosen points, this way.
   */
  static ProcessorApp start(
      ProcessorConfig config,
      ProcessorTopics topics,
      UnaryOperator<Embedder> decorate,
      UnaryOperator<ProcessingObserver> observe) {
    OnnxEmbedder embedder =
        OnnxEmbedder.open(config.modelFile(), config.device(), config.intraOpThreads());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    FaceStages.LoadedFinder faces = null;
    LivenessCheck liveness = LivenessCheck.OFF;
    try {
      ModelMetadata model = embedder.metadata();
      // detector and landmarks run where the embedder runs (what auto resolved to)
      faces =
          FaceStages.finder(
              config.modelFile(),
              model,
              DeviceSpec.parse(embedder.device()),
              config.intraOpThreads(),
              config.faces());
      if (model.detection() == null) {
        LOG.warn(
            "model {} names no face detector: whole-frame events are denied BAD_IMAGE",
            model.modelVersion());
      }
      liveness = openLiveness(config, DeviceSpec.parse(embedder.device()));
      Gallery gallery =
          new Gallery(model.modelVersion(), model.embeddingDim(), config.galleryIndex());
      ProcessorMetrics metrics = new ProcessorMetrics(registry, gallery);
      // an info metric (always 1): which model this instance serves, for dashboards
      Gauge.builder("facegate.model.info", () -> 1)
          .description("the model this processor serves")
          .tag("model_version", model.modelVersion())
          .tag("device", embedder.device())
          .register(registry);
      TopologyConfig topologyConfig = config.topologyConfig(model);
      warmUp(embedder, liveness, topologyConfig);
      Embedder inference = decorate.apply(embedder);
      DecisionSeal seal =
          config
              .signing()
              .signer()
              .<DecisionSeal>map(signer -> signer::signed)
              .orElseGet(
                  () -> {
                    LOG.warn(
                        "no signing key (signing.key-id / signing.key-file): decisions are "
                            + "unsigned and door controllers that verify signatures will refuse them");
                    return DecisionSeal.UNSIGNED;
                  });
      Topology topology =
          FacegateTopology.build(
              topologyConfig,
              topics,
              inference,
              gallery,
              observe.apply(metrics),
              seal,
              faces.finder(),
              liveness);
      ProcessorApp app =
          new ProcessorApp(embedder, faces, liveness, registry, metrics, gallery, topology, config);
      app.streams.start();
      LOG.info(
          "processor {} started: model {} on {}, threshold {}, liveness {}, batches of <= {} "
              + "events, <= {} bytes or {} ms, http port {}",
          config.applicationId(),
          model.modelVersion(),
          embedder.device(),
          topologyConfig.policy().threshold(),
          liveness.describe(),
          topologyConfig.maxBatchSize(),
          topologyConfig.maxBatchBytes(),
          topologyConfig.maxBatchWait().toMillis(),
          app.httpPort());
      return app;
    } catch (RuntimeException e) {
      registry.close();
      liveness.close();
      if (faces != null) {
        faces.close();
      }
      embedder.close();
      throw e;
    }
  }

  /**
   * The liveness check of {@code processor.liveness.model} on the embedder's device (what auto
   * resolved to), or {@link LivenessCheck#OFF}.
   *
   * @throws ModelLoadException naming the key and the file when it cannot be used
   */
  static LivenessCheck openLiveness(ProcessorConfig config, DeviceSpec device) {
    if (config.livenessModel().isEmpty()) {
      return LivenessCheck.OFF;
    }
    Path file = config.livenessModel().get();
    try {
      return OnnxLivenessCheck.open(
          file, device, config.intraOpThreads(), config.livenessThreshold());
    } catch (ModelLoadException e) {
      throw new ModelLoadException(ProcessorConfig.LIVENESS_MODEL + ": " + e.getMessage(), e);
    }
  }

  /**
   * One inference before the first event: a GPU provider initialises (and may tune kernels) on its
   * first call, which would otherwise eat the first batch's budget and deny it.
   */
  private static void warmUp(
      OnnxEmbedder embedder, LivenessCheck liveness, TopologyConfig topology) {
    PreprocessSpec in = embedder.metadata().input();
    long t0 = System.nanoTime();
    embedder.embed(new float[in.channels() * in.height() * in.width()], 1);
    liveness.check(
        List.of(new RawImage(in.width(), in.height(), 3, new byte[in.width() * in.height() * 3])));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    if (took.compareTo(topology.budget().batch()) > 0) {
      LOG.warn(
          "the warm-up inference took {} ms, more than the {} ms batch budget",
          took.toMillis(),
          topology.budget().batch().toMillis());
    }
  }

  /** Ready to decide: model loaded (by construction), gallery restored, Streams running. */
  public boolean ready() {
    return metrics.galleryLoaded() && streams.state() == KafkaStreams.State.RUNNING;
  }

  private String healthProblem() {
    KafkaStreams.State s = streams.state();
    return s == KafkaStreams.State.ERROR
            || s == KafkaStreams.State.PENDING_ERROR
            || s == KafkaStreams.State.NOT_RUNNING
        ? "streams " + s
        : null;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public int httpPort() {
    return http.port();
  }

  public String device() {
    return embedder.device();
  }

  /** Comparable templates currently in the gallery. */
  public int gallerySize() {
    return gallery.size();
  }

  /** Stream threads that died and were replaced so far (tests: none should). */
  int threadsReplaced() {
    return replaced.get();
  }

  /** Waits until Streams stops on its own (error) or {@code timeout} passes. */
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    LOG.info("processor shutting down");
    // leave the group at once so that the other instances take the partitions over now, not
    // after the session timeout
    boolean clean =
        streams.close(
            CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
    if (!clean) {
      LOG.warn(
          "streams did not close within {}; uncommitted work will be redone on restart",
          CLOSE_TIMEOUT);
    }
    streamsMetrics.close();
    http.close();
    registry.close();
    liveness.close();
    faces.close();
    embedder.close();
    stopped.countDown();
  }
}
