package io.facegate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kafka/create-topics.sh turns topics.conf into the right kafka-topics.sh calls (run here
 * against a recording stand-in for kafka-topics.sh).
 */
class TopicsScriptTest {
  @TempDir Path dir;

  private Path fakeKafkaTopics(Path log) throws IOException {
    Path tool = dir.resolve("kafka-topics.sh");
    Files.writeString(
        tool,
        "#!/bin/bash\n"
            + "for a in \"$@\"; do [[ \"$a\" == --list ]] && exit 0; done\n"
            + "echo \"$*\" >> '"
            + log
            + "'\n");
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
    return tool;
  }

  private int run(Path tool, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("bash", Repo.file("deploy/kafka/create-topics.sh").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("KAFKA_TOPICS", tool.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return p.exitValue();
  }

  @Test
  void createsEveryTopicWithItsPartitionsReplicationAndConfigs() throws Exception {
    Path log = dir.resolve("calls.log");
    assertEquals(
        0, run(fakeKafkaTopics(log), Map.of(), "kafka:9092", "3", "/etc/admin.properties"));
    List<String> calls = Files.readAllLines(log, StandardCharsets.UTF_8);
    Map<String, Integer> topics = Repo.topicPartitions();
    assertEquals(topics.size(), calls.size());
    for (Map.Entry<String, Integer> t : topics.entrySet()) {
      String call =
          calls.stream()
              .filter(c -> c.contains("--topic " + t.getKey() + " "))
              .findFirst()
              .orElseThrow();
      assertTrue(
          call.startsWith(
              "--bootstrap-server kafka:9092 --command-config /etc/admin.properties --create --if-not-exists"),
          call);
      assertTrue(call.contains("--partitions " + t.getValue() + " --replication-factor 3"), call);
    }
    String frames =
        calls.stream().filter(c -> c.contains("--topic camera-frames ")).findFirst().orElseThrow();
    assertTrue(frames.contains("--config retention.ms=86400000"), "face images expire: " + frames);
    String store =
        calls.stream()
            .filter(c -> c.contains("--topic embedding-store "))
            .findFirst()
            .orElseThrow();
    assertTrue(
        store.contains("--config cleanup.policy=compact"),
        "templates are a compacted table: " + store);
    assertTrue(
        store.contains("--config max.compaction.lag.ms="),
        "forgotten templates are compacted away in bounded time");
  }

  @Test
  void malformedTopicListFails() throws Exception {
    Path bad = Files.writeString(dir.resolve("topics.conf"), "camera-frames\n");
    assertNotEquals(
        0,
        run(
            fakeKafkaTopics(dir.resolve("log")),
            Map.of("TOPICS_FILE", bad.toString()),
            "kafka:9092"));
  }
}
