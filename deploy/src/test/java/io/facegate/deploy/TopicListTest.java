package io.facegate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.platform.topics.TopicAdmin;
import io.facegate.platform.topics.TopicNames;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.processor.topology.FacegateTopology;
import io.facegate.processor.topology.TopologyConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * deploy/kafka/topics.conf (what compose and Kubernetes create) names the topics the code uses and
 * is never weaker than the code's own topic layout ({@link TopicAdmin#topicConfigs}).
 */
class TopicListTest {

    private static Map<String, Map<String, String>> shippedConfigs() throws IOException {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Repo.file("deploy/kafka/topics.conf"), StandardCharsets.UTF_8)) {
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

    /** {@code <application.id>-frame-batch-buffer-changelog}, from the ConfigMap's id and the topology's store name. */
    private static String bufferChangelog() throws IOException {
        String appId = Repo.yamlDocuments(Repo.file("deploy/k8s/configmap.yaml")).get(0).get("data").toString()
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
    void bufferChangelogIsPreCreatedCompactedWithCameraFramesPartitionsAndShortLived() throws IOException {
        Map<String, String> c = shippedConfigs().get(bufferChangelog());
        assertEquals("compact", c.get("cleanup.policy"), "Streams requires a compacted changelog");
        assertEquals(Repo.topicPartitions().get("camera-frames"), Repo.topicPartitions().get(bufferChangelog()),
                "Streams requires the changelog to have the input's partition count");
        assertTrue(Long.parseLong(c.get("max.compaction.lag.ms")) <= 3_600_000L, "face bytes compacted away within an hour");
        assertTrue(Long.parseLong(c.get("segment.ms")) <= 3_600_000L);
        assertTrue(Long.parseLong(c.get("delete.retention.ms")) <= 3_600_000L, "tombstones do not linger");
        assertTrue(Long.parseLong(c.get("max.message.bytes")) >= TopologyConfig.bufferEntryLimit(ImageLimits.defaults()),
                "the changelog takes the largest frame the processor keeps");
    }

    @Test
    void everyConfigTheCodeRequiresIsShipped() throws IOException {
        Map<String, Map<String, String>> shipped = shippedConfigs();
        TopicAdmin.topicConfigs(TopicNames.defaults(), TopicAdmin.DEFAULT_FRAME_RETENTION).forEach((topic, required) ->
                required.forEach((key, value) -> assertEquals(value, shipped.get(topic).get(key), topic + " " + key)));
    }

    @Test
    void biometricTopicsHaveBoundedLifetimes() throws IOException {
        Map<String, Map<String, String>> shipped = shippedConfigs();
        long day = 86_400_000L;
        assertTrue(Long.parseLong(shipped.get("camera-frames").get("retention.ms")) <= day, "face images kept <= 1 day");
        for (String compacted : Set.of("enrollments", "embedding-store")) {
            Map<String, String> c = shipped.get(compacted);
            assertEquals("compact", c.get("cleanup.policy"), compacted);
            assertTrue(Long.parseLong(c.get("max.compaction.lag.ms")) <= day, compacted + ": superseded values compacted within a day");
            assertTrue(Long.parseLong(c.get("segment.ms")) <= 3_600_000L, compacted + ": segments roll hourly so compaction can reach them");
        }
    }
}
