package io.facegate.cli.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.ImageKind;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code publish --video} puts on camera-frames: whole frames, keyed by door, with their
 * capture time.
 */
@Timeout(60)
class FramePublisherTest {

  @TempDir Path dir;

  @Test
  void videoFramesAreSentAsWholeFramesWithTheirCaptureTime() throws Exception {
    Path video = VideoFramesTest.tinyVideo(dir.resolve("v.mp4"), 10, 10, 64, 48);
    Serializer<FaceEvent> unused = (topic, event) -> new byte[0];
    MockProducer<String, FaceEvent> producer =
        new MockProducer<String, FaceEvent>(true, null, new StringSerializer(), unused);
    FramePublisher publisher =
        new FramePublisher(producer, "camera-frames", "cam-1", "door-1", 0, null);
    Instant start = Instant.parse("2026-12-02T10:00:00Z");
    try (VideoFrames frames = VideoFrames.open(video, 5, start)) {
      for (var f = frames.next(); f.isPresent(); f = frames.next()) {
        publisher.publish(f.get(), "alice");
      }
    }
    publisher.finish();

    List<ProducerRecord<String, FaceEvent>> sent = producer.history();
    assertEquals(5, sent.size(), "1 s of video at 5 frames/s");
    assertEquals(5, publisher.sent());
    for (ProducerRecord<String, FaceEvent> r : sent) {
      FaceEvent e = r.value();
      assertEquals("door-1", r.key());
      assertEquals(ImageKind.FRAME, e.getImage().getKind());
      assertEquals("alice", e.getClaimedIdentity());
      long pts = Long.parseLong(e.getAttributes().get("video.pts_ms"));
      assertEquals(start.plusMillis(pts), e.getCaptureTime());
    }
  }
}
