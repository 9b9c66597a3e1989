package io.facegate.platform.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.schemas.registry.RegistryConfig;
import io.facegate.schemas.registry.SchemaRegistryClient;
import io.facegate.schemas.registry.SchemaRegistryClients;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The promises the topic layout keeps, whatever creates the topics. */
class TopicCatalogueTest {

  private static final long DAY_MS = Duration.ofDays(1).toMillis();

  @Test
  void faceImagesExpireWithinADayAndFitTheProcessorsLargestImage() {
    Map<String, String> frames = TopicCatalogue.CAMERA_FRAMES.configs();
    assertEquals("delete", frames.get("cleanup.policy"));
    assertTrue(Long.parseLong(frames.get("retention.ms")) <= DAY_MS, frames.toString());
    for (TopicCatalogue withImages :
        List.of(TopicCatalogue.CAMERA_FRAMES, TopicCatalogue.ENROLLMENTS)) {
      assertEquals(
          Integer.toString(RecordSizes.MAX_INPUT_RECORD_BYTES),
          withImages.configs().get("max.message.bytes"),
          withImages + " takes an 8 MiB image with its envelope");
    }
  }

  @Test
  void topicsKeyedByIdentityAreCompactedSoThatForgettingErases() {
    for (TopicCatalogue byIdentity :
        List.of(TopicCatalogue.ENROLLMENTS, TopicCatalogue.EMBEDDING_STORE)) {
      Map<String, String> c = byIdentity.configs();
      assertEquals("identity id", byIdentity.keyMeaning());
      assertEquals("compact", c.get("cleanup.policy"), byIdentity.toString());
      assertTrue(
          Long.parseLong(c.get("max.compaction.lag.ms")) <= DAY_MS,
          byIdentity + ": superseded values go within a day");
      assertTrue(
          Long.parseLong(c.get("segment.ms")) <= Duration.ofHours(1).toMillis(),
          byIdentity + ": segments roll hourly so that compaction reaches them");
    }
  }

  @Test
  void everyOtherTopicExpires() {
    for (TopicCatalogue t :
        List.of(
            TopicCatalogue.ACCESS_DECISIONS,
            TopicCatalogue.ACCESS_GRANTED,
            TopicCatalogue.DEAD_LETTERS)) {
      assertEquals("delete", t.configs().get("cleanup.policy"), t.toString());
      assertTrue(Long.parseLong(t.configs().get("retention.ms")) > 0, t.toString());
    }
  }

  @Test
  void frameRetentionOverridesOnlyCameraFrames() {
    assertEquals(
        "3600000", TopicCatalogue.CAMERA_FRAMES.configs(Duration.ofHours(1)).get("retention.ms"));
    assertEquals(
        TopicCatalogue.ACCESS_DECISIONS.configs(),
        TopicCatalogue.ACCESS_DECISIONS.configs(Duration.ofHours(1)));
    assertThrows(
        IllegalArgumentException.class, () -> TopicCatalogue.CAMERA_FRAMES.configs(Duration.ZERO));
    assertEquals(
        TopicAdmin.DEFAULT_FRAME_RETENTION.toMillis(),
        Long.parseLong(TopicCatalogue.CAMERA_FRAMES.configs().get("retention.ms")));
  }

  @Test
  void smallTopicsGetAtMostThreePartitionsAndTheRestTheDeploymentsCount() {
    assertEquals(8, TopicCatalogue.Partitions.DEPLOYMENT.of(8));
    assertEquals(3, TopicCatalogue.Partitions.SMALL.of(8));
    assertEquals(2, TopicCatalogue.Partitions.SMALL.of(2));
    assertThrows(IllegalArgumentException.class, () -> TopicCatalogue.Partitions.SMALL.of(0));
    assertEquals(
        TopicCatalogue.Partitions.DEPLOYMENT,
        TopicCatalogue.CAMERA_FRAMES.partitions(),
        "camera-frames' partitions cap the processor instances");
  }

  @Test
  void namesAndValueTypesComeFromTheCatalogue() throws Exception {
    TopicNames renamed = TopicNames.fromMap(Map.of("topics.dead.letters", "dlq"));
    assertEquals(
        Arrays.stream(TopicCatalogue.values()).map(TopicCatalogue::defaultName).toList(),
        TopicNames.defaults().all());
    assertEquals(
        Arrays.stream(TopicCatalogue.values()).map(t -> t.name(renamed)).toList(), renamed.all());
    try (SchemaRegistryClient registry =
        SchemaRegistryClients.create(RegistryConfig.mock("catalogue-test"))) {
      FacegateTopics topics = new FacegateTopics(renamed, registry);
      assertEquals("dlq", topics.deadLetters().name());
      assertEquals(renamed.all(), topics.all().stream().map(Topic::name).toList());
    }
  }
}
