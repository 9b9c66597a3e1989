package io.facegate.cli.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.facegate.model.preprocess.ImageFormat;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.ImageKind;
import io.facegate.trainer.data.FaceImageRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code enroll --frames} and {@code replay --frames} mark every image they send as a whole frame.
 */
class EnrollerTest {
  @TempDir Path dir;

  private List<ImageKind> kindsSent(ImageKind kind) throws Exception {
    Path pgm =
        Files.write(dir.resolve("1.pgm"), "P5\n2 2\n255\nabcd".getBytes(StandardCharsets.US_ASCII));
    MockProducer<String, Enrollment> producer =
        new MockProducer<>(true, null, new StringSerializer(), (topic, e) -> new byte[0]);
    new Enroller(producer, "enrollments", kind)
        .enroll(
            "alice",
            "Alice",
            List.of(
                new FaceImageRef(pgm, "set", "alice", ImageFormat.PGM),
                new FaceImageRef(pgm, "set", "alice", ImageFormat.PGM)));
    assertEquals(1, producer.history().size());
    assertEquals("alice", producer.history().get(0).key());
    return producer.history().get(0).value().getImages().stream().map(FaceImage::getKind).toList();
  }

  @Test
  void framesAreSentAsFramesAndCropsAsCrops() throws Exception {
    assertEquals(List.of(ImageKind.FRAME, ImageKind.FRAME), kindsSent(ImageKind.FRAME));
    assertEquals(List.of(ImageKind.CROP, ImageKind.CROP), kindsSent(ImageKind.CROP));
  }
}
