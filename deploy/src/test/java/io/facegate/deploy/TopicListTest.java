package io.facegate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.preprocess.ImageLimits;
import io.facegate.platform.topics.TopicCatalogue;
import io.facegate.platform.topics.TopicNames;
import io.facegate.processor.topology.FacegateTopology;
import io.facegate.processor.topology.TopologyConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/kafka/topics.conf (what compose and Kubernetes create) and the README's topic table and
 * {@code kafka-topics.sh} lines say exactly what {@link TopicCatalogue} says (names, partitions at
 * the default deployment count, every config), so that none of them can drift from the code.
 */
class TopicListTest {

  private static final Pattern README_COMMAND =
      Pattern.compile(
          "kafka-topics\\.sh .*--create --topic (\\S+)\\s+--partitions (\\d+) --replication-factor \\$RF((?: --config \\S+)*)");
  private static final Pattern README_ROW =
      Pattern.compile(
          "\\| `([^`]+)` \\| ([^|]+) \\| `([A-Za-z]+)`[^|]* \\| ([^|]+) \\| ([^|]+) \\|");

  private static Map<String, Map<String, String>> shippedConfigs() throws IOException {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (String line :
        Files.readAllLines(Repo.file("deploy/kafka/topics.conf"), StandardCharsets.UTF_8)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] f = l.split("\\s+");
      Map<String, String> configs = new HashMap<>();
      if (f.length > 2) {
        for (String kv : f[2].split(",")) {
          String[] p = kv.split("=", 2);
          configs.put(p[0], p[1]);
        }
      }
      out.put(f[0], configs);
    }
    return out;
  }

  /**
   * {@code <application.id>-frame-batch-buffer-changelog}, from the ConfigMap's id and the
   * topology's store name.
   */
  private static String bufferChangelog() throws IOException {
    String appId =
        Repo.yamlDocuments(Repo.file("deploy/k8s/configmap.yaml"))
            .get(0)
            .get("data")
            .toString()
            .replaceAll("(?s).*FACEGATE_PROCESSOR_APPLICATION__ID=([^,}]+).*", "$1");
    return appId + "-" + FacegateTopology.BUFFER_STORE + "-changelog";
  }

  @Test
  void shipsExactlyTheTopicsTheCodeUses() throws IOException {
    Set<String> expected = new HashSet<>(TopicNames.defaults().all());
    expected.add(bufferChangelog());
    assertEquals(expected, shippedConfigs().keySet());
  }

  @Test
  void bufferChangelogIsPreCreatedCompactedWithCameraFramesPartitionsAndShortLived()
      throws IOException {
    Map<String, String> c = shippedConfigs().get(bufferChangelog());
    assertEquals("compact", c.get("cleanup.policy"), "Streams requires a compacted changelog");
    assertEquals(
        Repo.topicPartitions().get("camera-frames"),
        Repo.topicPartitions().get(bufferChangelog()),
        "Streams requires the changelog to have the input's partition count");
    assertTrue(
        Long.parseLong(c.get("max.compaction.lag.ms")) <= 3_600_000L,
        "face bytes compacted away within an hour");
    assertTrue(Long.parseLong(c.get("segment.ms")) <= 3_600_000L);
    assertTrue(
        Long.parseLong(c.get("delete.retention.ms")) <= 3_600_000L, "tombstones do not linger");
    assertTrue(
        Long.parseLong(c.get("max.message.bytes"))
            >= TopologyConfig.bufferEntryLimit(ImageLimits.defaults()),
        "the changelog takes the largest frame the processor keeps");
  }

  @Test
  void topicsConfShipsExactlyTheCataloguesPartitionsAndConfigs() throws IOException {
    Map<String, Map<String, String>> shipped = shippedConfigs();
    Map<String, Integer> partitions = Repo.topicPartitions();
    for (TopicCatalogue topic : TopicCatalogue.values()) {
      assertEquals(
          topic.configs(), shipped.get(topic.defaultName()), topic.defaultName() + " configs");
      assertEquals(
          topic.partitions().of(TopicCatalogue.DEFAULT_PARTITIONS),
          partitions.get(topic.defaultName()),
          topic.defaultName() + " partitions");
    }
  }

  @Test
  void readmeCommandsCreateExactlyTheCatalogue() throws IOException {
    Map<String, Map<String, String>> configs = new LinkedHashMap<>();
    Map<String, Integer> partitions = new HashMap<>();
    for (String line : Files.readAllLines(Repo.file("README.md"), StandardCharsets.UTF_8)) {
      Matcher m = README_COMMAND.matcher(line.strip());
      if (m.matches()) {
        Map<String, String> c = new LinkedHashMap<>();
        for (String kv : m.group(3).strip().split("\\s*--config\\s+")) {
          if (!kv.isEmpty()) {
            String[] p = kv.split("=", 2);
            c.put(p[0], p[1]);
          }
        }
        configs.put(m.group(1), c);
        partitions.put(m.group(1), Integer.parseInt(m.group(2)));
      }
    }
    assertEquals(
        TopicNames.defaults().all(),
        List.copyOf(configs.keySet()),
        "one kafka-topics.sh line per topic");
    for (TopicCatalogue topic : TopicCatalogue.values()) {
      assertEquals(
          topic.configs(),
          configs.get(topic.defaultName()),
          "README command of " + topic.defaultName());
      assertEquals(
          topic.partitions().of(TopicCatalogue.DEFAULT_PARTITIONS),
          partitions.get(topic.defaultName()),
          "README partitions of " + topic.defaultName());
    }
  }

  @Test
  void readmeTopicTableSaysWhatTheCatalogueSays() throws IOException {
    Map<String, Matcher> rows = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Repo.file("README.md"), StandardCharsets.UTF_8)) {
      Matcher m = README_ROW.matcher(line.strip());
      if (m.matches() && TopicNames.defaults().all().contains(m.group(1))) {
        rows.put(m.group(1), m);
      }
    }
    assertEquals(
        TopicNames.defaults().all(), List.copyOf(rows.keySet()), "one table row per topic");
    for (TopicCatalogue topic : TopicCatalogue.values()) {
      Matcher row = rows.get(topic.defaultName());
      assertEquals(topic.keyMeaning(), row.group(2).strip(), topic + " key");
      assertEquals(topic.valueType().getSimpleName(), row.group(3), topic + " value");
      assertEquals(
          topic.partitions() == TopicCatalogue.Partitions.DEPLOYMENT
              ? "P"
              : "min(P, " + TopicCatalogue.Partitions.SMALL_MAX + ")",
          row.group(4).strip(),
          topic + " partitions");
      Map<String, String> documented = new LinkedHashMap<>();
      for (String kv : row.group(5).strip().split(",\\s*")) {
        String[] p = kv.replace("`", "").split("=", 2);
        documented.put(p[0], p[1]);
      }
      assertEquals(topic.configs(), documented, topic + " configs");
    }
  }

  @Test
  void biometricTopicsHaveBoundedLifetimes() throws IOException {
    Map<String, Map<String, String>> shipped = shippedConfigs();
    long day = 86_400_000L;
    assertTrue(
        Long.parseLong(shipped.get("camera-frames").get("retention.ms")) <= day,
        "face images kept <= 1 day");
    for (String compacted : Set.of("enrollments", "embedding-store")) {
      Map<String, String> c = shipped.get(compacted);
      assertEquals("compact", c.get("cleanup.policy"), compacted);
      assertTrue(
          Long.parseLong(c.get("max.compaction.lag.ms")) <= day,
          compacted + ": superseded values compacted within a day");
      assertTrue(
          Long.parseLong(c.get("segment.ms")) <= 3_600_000L,
          compacted + ": segments roll hourly so compaction can reach them");
    }
  }
}
