package io.facegate.platform.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.platform.config.InvalidConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

class TopicNamesTest {

  @Test
  void defaultsAreTheDocumentedNames() {
    assertEquals(
        List.of(
            "camera-frames",
            "enrollments",
            "embedding-store",
            "access-decisions",
            "access-granted",
            "dead-letters"),
        TopicNames.defaults().all());
  }

  @Test
  void configOverridesSomeNamesAndKeepsDefaultsForTheRest() {
    TopicNames names =
        TopicNames.fromMap(Map.of("topics.camera.frames", "site1.frames", "unrelated", "x"));

    assertEquals("site1.frames", names.cameraFrames());
    assertEquals("embedding-store", names.embeddingStore());
  }

  @Test
  void illegalNameIsRejectedNamingTheKey() {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () -> TopicNames.fromMap(Map.of("topics.dead.letters", "dead letters")));

    assertEquals("topics.dead.letters", e.key());
  }

  @Test
  void twoRolesSharingATopicAreRejected() {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () -> TopicNames.fromMap(Map.of("topics.access.granted", "access-decisions")));

    assertEquals("topics.access.granted", e.key());
  }

  @Test
  void layoutFollowsTheCatalogueUnderRenamedTopics() {
    TopicNames names = TopicNames.fromMap(Map.of("topics.enrollments", "site-a.enrollments"));

    Map<String, Map<String, String>> layout = TopicAdmin.topicConfigs(names, Duration.ofHours(6));

    assertEquals(names.all(), List.copyOf(layout.keySet()));
    assertEquals(TopicCatalogue.ENROLLMENTS.configs(), layout.get("site-a.enrollments"));
    assertEquals("21600000", layout.get("camera-frames").get("retention.ms"));
    assertEquals("9437184", layout.get("camera-frames").get("max.message.bytes"));
  }

  @Test
  void topicNeedsLegalNameAndSerdes() {
    assertThrows(
        InvalidConfigException.class, () -> new Topic<>("", Serdes.String(), Serdes.String()));
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> new Topic<>("t", Serdes.String(), null));
    assertTrue(e.getMessage().contains("valueSerde"), e.getMessage());
  }
}
