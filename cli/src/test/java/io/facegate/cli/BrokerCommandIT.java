package io.facegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code facegate broker} as its own process, exactly as the {@code ./facegate} launcher does
 * (the packaged classes plus {@code target/classpath.txt}), and talks to it with plain Kafka
 * clients.
 */
class BrokerCommandIT {

  private static final Pattern BOOTSTRAP = Pattern.compile("bootstrap: (127\\.0\\.0\\.1:\\d+)");

  @TempDir Path dir;

  @Test
  void brokerCommandServesPlainClientsWithFacegateTopicsAndStopsCleanly() throws Exception {
    Path stderr = dir.resolve("broker.err");
    String classpath =
        "target/classes"
            + java.io.File.pathSeparator
            + Files.readString(Path.of("target/classpath.txt")).strip();
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                "io.facegate.cli.FacegateCommand",
                "broker",
                "--port",
                "0",
                "--registry-port",
                "0",
                "--partitions",
                "2")
            .redirectError(stderr.toFile())
            .start();
    try {
      List<String> addresses = awaitAddresses(process);
      String bootstrap = addresses.get(0);
      assertTrue(addresses.get(1).matches("http://127\\.0\\.0\\.1:\\d+"), addresses.toString());
      Properties client = new Properties();
      client.put("bootstrap.servers", bootstrap);

      try (Admin admin = Admin.create(client)) {
        Map<String, TopicDescription> topics =
            admin
                .describeTopics(
                    List.of(
                        "camera-frames",
                        "enrollments",
                        "embedding-store",
                        "access-decisions",
                        "access-granted",
                        "dead-letters"))
                .allTopicNames()
                .get();
        assertEquals(6, topics.size());
        topics.values().forEach(t -> assertEquals(2, t.partitions().size(), t.name()));
      }

      List<String> sent = List.of("door-1:frame-a", "door-2:frame-b", "door-1:frame-c");
      Properties producerProps = new Properties();
      producerProps.putAll(client);
      producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
        for (String value : sent) {
          producer.send(new ProducerRecord<>("camera-frames", value.substring(0, 6), value)).get();
        }
      }

      Properties consumerProps = new Properties();
      consumerProps.putAll(client);
      consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "broker-command-it");
      consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      List<String> received = new ArrayList<>();
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(List.of("camera-frames"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (received.size() < sent.size() && System.nanoTime() < deadline) {
          consumer.poll(Duration.ofMillis(200)).forEach(r -> received.add(r.value()));
        }
      }
      assertEquals(Set.copyOf(sent), Set.copyOf(received));
      assertEquals(sent.size(), received.size());
    } finally {
      process.destroy(); // SIGTERM: the same shutdown hook as Ctrl-C
      assertTrue(process.waitFor(30, TimeUnit.SECONDS), "broker process did not stop within 30 s");
    }

    String log = Files.readString(stderr);
    assertTrue(log.contains("broker stopped"), log);
    Matcher logDir = Pattern.compile("log dir: (\\S+) \\(temporary").matcher(log);
    assertTrue(logDir.find(), log);
    assertFalse(Files.exists(Path.of(logDir.group(1))), "temporary log dir deleted on exit");
  }

  /**
   * The {@code bootstrap:} and {@code registry:} lines the command prints on stdout once it is
   * ready.
   */
  private static List<String> awaitAddresses(Process process) throws Exception {
    CompletableFuture<List<String>> addresses =
        CompletableFuture.supplyAsync(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String bootstrap = null;
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  Matcher m = BOOTSTRAP.matcher(line);
                  if (m.matches()) {
                    bootstrap = m.group(1);
                  } else if (bootstrap != null && line.startsWith("registry: ")) {
                    return List.of(bootstrap, line.substring("registry: ".length()));
                  }
                }
                throw new IllegalStateException(
                    "broker exited before printing its addresses, exit " + process.waitFor());
              } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    return addresses.get(60, TimeUnit.SECONDS);
  }
}
