package io.facegate.processor.app;

import io.facegate.processor.core.embedding.Gallery;
import io.facegate.processor.topology.ProcessingObserver;
import io.facegate.schemas.AccessDecision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The processor's Micrometer meters (Prometheus names in brackets): events ({@code
 * facegate_events_total}; events/s is its rate), decisions by outcome and reason ({@code
 * facegate_decisions_total}), end-to-end latency from capture to decision and processing latency
 * from read to decision ({@code facegate_decision_latency_seconds}, {@code
 * facegate_processing_latency_seconds}), inference latency ({@code
 * facegate_inference_latency_seconds}), batch sizes ({@code facegate_batch_size}), gallery size
 * ({@code facegate_gallery_identities}), dead letters ({@code facegate_dead_letters_total}), and
 * worker threads still busy with work abandoned at its time budget ({@code
 * facegate_workers_overdue}; {@code facegate_workers_abandoned_total} counts every abandonment).
 */
public final class ProcessorMetrics implements ProcessingObserver {
  private final MeterRegistry registry;
  private final Counter events;
  private final Timer endToEnd;
  private final Timer processing;
  private final Timer inference;
  private final DistributionSummary batchSize;
  private final AtomicBoolean galleryLoaded = new AtomicBoolean();
  private final AtomicInteger overdueWorkers = new AtomicInteger();
  private final Counter abandoned;

  public ProcessorMetrics(MeterRegistry registry, Gallery gallery) {
    this.registry = registry;
    this.events =
        Counter.builder("facegate.events").description("camera events read").register(registry);
    this.endToEnd =
        Timer.builder("facegate.decision.latency")
            .description("capture time to decision")
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    this.processing =
        Timer.builder("facegate.processing.latency")
            .description("read by the processor to decision")
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    this.inference =
        Timer.builder("facegate.inference.latency")
            .description("one ONNX Runtime call")
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
    this.batchSize =
        DistributionSummary.builder("facegate.batch.size")
            .description("faces per inference call")
            .publishPercentileHistogram()
            .maximumExpectedValue(4096.0)
            .register(registry);
    Gauge.builder("facegate.workers.overdue", overdueWorkers, AtomicInteger::get)
        .description("worker threads still busy with work abandoned at its time budget")
        .register(registry);
    this.abandoned =
        Counter.builder("facegate.workers.abandoned")
            .description("decode, pre-processing or inference work abandoned at its time budget")
            .register(registry);
    Gauge.builder("facegate.gallery.identities", gallery, Gallery::size)
        .description("comparable enrolled templates")
        .register(registry);
    Gauge.builder("facegate.gallery.set.aside", gallery, Gallery::setAsideCount)
        .description("templates of another model version or invalid")
        .register(registry);
    Gauge.builder(
            "facegate.gallery.index.in.use",
            gallery,
            g -> g.searchMode() == Gallery.SearchMode.INDEX ? 1 : 0)
        .description("1 when 1:N search goes through the approximate index")
        .register(registry);
  }

  /** Whether the global thread has loaded the restored embedding store. */
  public boolean galleryLoaded() {
    return galleryLoaded.get();
  }

  @Override
  public void eventBuffered() {
    events.increment();
  }

  @Override
  public void decided(AccessDecision d) {
    registry
        .counter(
            "facegate.decisions", "outcome", d.getOutcome().name(), "reason", d.getReason().name())
        .increment();
    long now = d.getDecidedAt().toEpochMilli();
    endToEnd.record(Math.max(0, now - d.getCaptureTime().toEpochMilli()), TimeUnit.MILLISECONDS);
    processing.record(d.getProcessingLatencyMs(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void batchEmbedded(int size, long nanos) {
    batchSize.record(size);
    inference.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void galleryLoaded(int identities) {
    galleryLoaded.set(true);
  }

  @Override
  public void workerOverdue() {
    overdueWorkers.incrementAndGet();
    abandoned.increment();
  }

  @Override
  public void workerReturned() {
    overdueWorkers.decrementAndGet();
  }

  /** Worker threads still busy with abandoned work, over all tasks. */
  int overdueWorkers() {
    return overdueWorkers.get();
  }

  @Override
  public void deadLettered(String reason) {
    registry.counter("facegate.dead.letters", "reason", reason).increment();
  }
}
