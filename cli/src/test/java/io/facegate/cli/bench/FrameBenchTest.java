package io.facegate.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.preprocess.RawImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class FrameBenchTest {

  private static int grey(BufferedImage img, int x, int y) {
    return (img.getRGB(x, y) >> 8) & 0xff;
  }

  @Test
  void aPictureIsScaledIntoTheFrameWithItsAspectKeptAndCentredOnBlack() throws Exception {
    byte[] white = new byte[100 * 50];
    Arrays.fill(white, (byte) 255);
    List<byte[]> frames = FrameBench.frames(List.of(new RawImage(100, 50, 1, white)), 640, 480);
    assertEquals(1, frames.size());
    BufferedImage f = ImageIO.read(new ByteArrayInputStream(frames.get(0)));
    assertEquals(640, f.getWidth());
    assertEquals(480, f.getHeight());
    // 100x50 scales to 640x320: black bands of 80 rows above and below
    assertTrue(grey(f, 320, 20) < 20, "top band is black");
    assertTrue(grey(f, 320, 460) < 20, "bottom band is black");
    assertTrue(grey(f, 320, 240) > 235, "the picture fills the middle");
    assertTrue(grey(f, 5, 240) > 235, "and the full width");
  }

  @Test
  void everySourceBecomesOneFrameOfTheAskedSize() throws Exception {
    byte[] rgb = new byte[30 * 40 * 3];
    List<byte[]> frames =
        FrameBench.frames(
            List.of(new RawImage(30, 40, 3, rgb), new RawImage(40, 30, 1, new byte[1200])),
            1280,
            720);
    assertEquals(2, frames.size());
    for (byte[] jpeg : frames) {
      BufferedImage f = ImageIO.read(new ByteArrayInputStream(jpeg));
      assertEquals(1280, f.getWidth());
      assertEquals(720, f.getHeight());
    }
  }

  @Test
  void aFrameSizeMustBePositive() {
    assertThrows(
        IllegalArgumentException.class,
        () -> FrameBench.frames(List.of(new RawImage(4, 4, 1, new byte[16])), 0, 480));
  }
}
