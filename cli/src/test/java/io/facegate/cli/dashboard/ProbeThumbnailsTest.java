package io.facegate.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.ImageEncoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** {@code --show-probes}: what a probe thumbnail is, and what is kept for it. */
class ProbeThumbnailsTest {

  private static final String PREFIX = "data:image/png;base64,";

  private final ProbeThumbnails probes = new ProbeThumbnails();

  /** A binary PGM whose pixel value is its column, so that down-scaling is visible. */
  private static byte[] pgm(int width, int height) {
    byte[] header = ("P5\n" + width + " " + height + "\n255\n").getBytes(StandardCharsets.US_ASCII);
    byte[] data = new byte[header.length + width * height];
    System.arraycopy(header, 0, data, 0, header.length);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        data[header.length + y * width + x] = (byte) x;
      }
    }
    return data;
  }

  private static FaceEvent frame(String id, byte[] data, ImageEncoding encoding) {
    return FaceEvent.newBuilder()
        .setEventId(id)
        .setCameraId("cam")
        .setDoorId("door")
        .setCaptureTime(Instant.now())
        .setClaimedIdentity(null)
        .setAttributes(Map.of())
        .setImage(
            FaceImage.newBuilder().setData(ByteBuffer.wrap(data)).setEncoding(encoding).build())
        .build();
  }

  private static BufferedImage png(String uri) throws Exception {
    assertTrue(uri.startsWith(PREFIX), uri);
    return ImageIO.read(
        new ByteArrayInputStream(Base64.getDecoder().decode(uri.substring(PREFIX.length()))));
  }

  @Test
  void aThumbnailIsASmallGreyPngOfTheFrame() throws Exception {
    probes.offer(frame("e1", pgm(128, 96), ImageEncoding.PGM));

    BufferedImage thumb = png(probes.thumbnail("e1"));

    assertEquals(ProbeThumbnails.SIDE, thumb.getWidth());
    assertEquals(48, thumb.getHeight());
    assertEquals(BufferedImage.TYPE_BYTE_GRAY, thumb.getType());
    assertEquals(
        20,
        thumb.getRaster().getSample(10, 5, 0),
        "column 10 of the thumbnail is column 20 of the frame");
  }

  @Test
  void everyPageGetsTheSameThumbnailOfAnEvent() {
    probes.offer(frame("e1", pgm(32, 32), ImageEncoding.PGM));

    String first = probes.thumbnail("e1");

    assertNotNull(first);
    assertSame(first, probes.thumbnail("e1"));
  }

  @Test
  void noThumbnailWithoutAFrameOrForAnUndecodableOne() {
    assertNull(probes.thumbnail("never-seen"));

    probes.offer(frame("bad", new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, ImageEncoding.PNG));
    assertNull(probes.thumbnail("bad"));

    probes.offer(frame("unknown", pgm(8, 8), ImageEncoding.UNKNOWN));
    assertNull(probes.thumbnail("unknown"));
  }

  @Test
  void theOldestFramesAreDroppedBeyondTheByteBudget() {
    byte[] mib = pgm(1024, 1024);
    for (int i = 0; i < 40; i++) {
      probes.offer(frame("e" + i, mib, ImageEncoding.PGM));
    }

    assertNull(probes.thumbnail("e0"), "32 MiB of frames at most: the first ones are gone");
    assertNotNull(probes.thumbnail("e39"));
  }
}
