package io.facegate.cli.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * What the processors say about themselves: each instance's {@code /health}, {@code /ready} and
 * {@code /metrics} (model version, gallery size, events read), and the Streams application's
 * consumer-group lag per input partition (end offset minus committed offset). Each call has a short
 * timeout; an unreachable processor is shown as such, never waited for.
 */
final class ProcessorProbe implements AutoCloseable {

  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);
  private static final long ADMIN_TIMEOUT_MS = 3_000;

  private final List<URI> processors;
  private final String applicationId;
  private final ObjectMapper json;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
  private final Admin admin;

  ProcessorProbe(List<URI> processors, String applicationId, Properties kafka, ObjectMapper json) {
    this.processors = List.copyOf(processors);
    this.applicationId = applicationId;
    this.json = json;
    Properties p = new Properties();
    p.putAll(kafka);
    p.put("request.timeout.ms", "3000");
    p.put("default.api.timeout.ms", "3000");
    this.admin = Admin.create(p);
  }

  /** One status object for the page: {@code instances} and {@code lag} of the group. */
  ObjectNode poll() {
    ObjectNode status = json.createObjectNode();
    status.put("group", applicationId);
    ArrayNode instances = status.putArray("instances");
    for (URI base : processors) {
      instances.add(instance(base));
    }
    lag(status);
    return status;
  }

  /** One processor's status; whatever it answers, this returns (an unreachable one says so). */
  ObjectNode instance(URI base) {
    ObjectNode o = json.createObjectNode();
    o.put("url", base.toString());
    try {
      HttpResponse<String> health = get(base.resolve("/health"));
      HttpResponse<String> ready = get(base.resolve("/ready"));
      HttpResponse<String> metrics = get(base.resolve("/metrics"));
      o.put("health", health.statusCode() == 200 ? "UP" : health.body().strip());
      o.put("ready", ready.statusCode() == 200);
      if (metrics.statusCode() == 200) {
        PrometheusText m = PrometheusText.parse(metrics.body());
        o.put("modelVersion", m.modelVersion());
        putNumber(o, "gallery", m.value("facegate_gallery_identities"));
        putNumber(o, "eventsRead", m.value("facegate_events_total"));
        putNumber(o, "deadLetters", m.value("facegate_dead_letters_total"));
      }
    } catch (IOException e) {
      o.put("health", "UNREACHABLE (" + e.getClass().getSimpleName() + ")");
      o.put("ready", false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      o.put("health", "UNKNOWN (interrupted)");
    }
    return o;
  }

  /** A count, or null (shown as "-") when absent, NaN or infinite: never a made-up 0. */
  private static void putNumber(ObjectNode o, String field, Double v) {
    if (v == null || !Double.isFinite(v)) {
      o.putNull(field);
    } else {
      o.put(field, v.longValue());
    }
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri).timeout(HTTP_TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void lag(ObjectNode status) {
    ArrayNode lag = status.putArray("lag");
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(applicationId)
              .partitionsToOffsetAndMetadata()
              .get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          admin
              .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
              .all()
              .get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      committed.entrySet().stream()
          .filter(e -> e.getValue() != null && ends.containsKey(e.getKey()))
          .sorted(
              Map.Entry.comparingByKey(
                  (a, b) ->
                      a.topic().equals(b.topic())
                          ? Integer.compare(a.partition(), b.partition())
                          : a.topic().compareTo(b.topic())))
          .forEach(
              e -> {
                ObjectNode p = lag.addObject();
                p.put("partition", e.getKey().topic() + "-" + e.getKey().partition());
                p.put("committed", e.getValue().offset());
                long end = ends.get(e.getKey()).offset();
                p.put("end", end);
                p.put("lag", Math.max(0, end - e.getValue().offset()));
              });
    } catch (ExecutionException | TimeoutException e) {
      status.put(
          "lagError",
          "consumer group "
              + applicationId
              + ": "
              + e.getClass().getSimpleName()
              + (e.getCause() != null ? " " + e.getCause().getMessage() : ""));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
