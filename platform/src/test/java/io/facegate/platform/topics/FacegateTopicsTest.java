package io.facegate.platform.topics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.ImageEncoding;
import io.facegate.schemas.registry.RegistryConfig;
import io.facegate.schemas.registry.SchemaRegistryClient;
import io.facegate.schemas.registry.SchemaRegistryClients;
import io.facegate.schemas.serde.WireFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FacegateTopicsTest {

  private static final String SCOPE = "facegate-topics-test";

  private final SchemaRegistryClient registry =
      SchemaRegistryClients.create(RegistryConfig.mock(SCOPE));

  @AfterEach
  void dropRegistry() throws Exception {
    registry.close();
    SchemaRegistryClients.dropMockScope(SCOPE);
  }

  @Test
  void topicsCarryTheConfiguredNames() {
    TopicNames names = TopicNames.fromMap(Map.of("topics.access.granted", "site1.granted"));

    FacegateTopics topics = new FacegateTopics(names, registry);

    assertEquals("camera-frames", topics.cameraFrames().name());
    assertEquals("site1.granted", topics.accessGranted().name());
    assertEquals(names.all(), topics.all().stream().map(Topic::name).toList());
  }

  @Test
  void faceEventRoundTripsInTheConfluentWireFormatUnderTheTopicSubject() {
    Topic<String, FaceEvent> frames =
        new FacegateTopics(TopicNames.defaults(), registry).cameraFrames();
    FaceEvent event =
        FaceEvent.newBuilder()
            .setEventId("e-1")
            .setCameraId("cam-1")
            .setDoorId("door-1")
            .setCaptureTime(Instant.ofEpochMilli(1_700_000_000_000L))
            .setImage(
                FaceImage.newBuilder()
                    .setData(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                    .setEncoding(ImageEncoding.PGM)
                    .build())
            .setClaimedIdentity("alice")
            .build();

    byte[] key = frames.keySerde().serializer().serialize(frames.name(), "door-1");
    byte[] value = frames.valueSerde().serializer().serialize(frames.name(), event);

    assertArrayEquals("door-1".getBytes(StandardCharsets.UTF_8), key);
    assertEquals(0, value[0], "magic byte");
    int schemaId = ByteBuffer.wrap(value, 1, 4).getInt();
    assertEquals(schemaId, registry.register("camera-frames-value", FaceEvent.getClassSchema()));
    assertEquals(event, frames.valueSerde().deserializer().deserialize(frames.name(), value));
  }

  @Test
  void bytesThatAreNotAvroFailLoudly() {
    Topic<String, FaceEvent> frames =
        new FacegateTopics(TopicNames.defaults(), registry).cameraFrames();

    assertThrows(
        WireFormatException.class,
        () ->
            frames
                .valueSerde()
                .deserializer()
                .deserialize(frames.name(), "not avro".getBytes(StandardCharsets.UTF_8)));
  }
}
