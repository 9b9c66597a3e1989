package io.facegate.model.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bad-image corpus: every hostile or unusual input either decodes correctly or is rejected with
 * a clear {@link ImageRejectedException}, in bounded time, never with another exception.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ImageDecoderBudgetTest {

  private final ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());

  @Test
  void progressiveJpegWithTenThousandRepeatedScansIsRejectedFastAndTheNextImageDecodes()
      throws Exception {
    byte[] good = CraftedImages.progressiveJpeg(CraftedImages.smooth(160, 160));
    byte[] bomb = CraftedImages.repeatLastScan(good, 10_000);
    assertTrue(
        bomb.length < ImageLimits.defaults().maxBytes(),
        "the bomb passes the byte limit: " + bomb.length);
    long start = System.nanoTime();
    ImageRejectedException e =
        assertThrows(ImageRejectedException.class, () -> decoder.decode(bomb));
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "progressive JPEG, 160x160, %d bytes, %d SOS markers: rejected in %.3f s (%s)%n",
        bomb.length, CraftedImages.countSos(bomb), seconds, e.getMessage());
    assertEquals(ImageRejectedException.Kind.DECODE_BUDGET, e.kind(), e.getMessage());
    assertTrue(seconds < 5, "rejected in " + seconds + " s");
    RawImage next = decoder.decode(good);
    assertEquals(160, next.width());
    assertEquals(3, next.channels());
  }

  @Test
  void aStandardProgressiveJpegIsWithinTheBudget() throws Exception {
    byte[] good = CraftedImages.progressiveJpeg(CraftedImages.smooth(64, 48));
    assertEquals(10, CraftedImages.countSos(good), "libjpeg's simple progression");
    RawImage img = decoder.decode(good, ImageFormat.JPEG, 64, 48);
    assertTrue(Math.abs(img.sample(0, 0, 2) - 90) < 10, "blue ~90, got " + img.sample(0, 0, 2));
  }

  @Test
  void aLargeImageIsHeldToPixelsTimesScans() throws Exception {
    byte[] jpeg = CraftedImages.progressiveJpeg(CraftedImages.smooth(200, 200));
    // 10 scans of 200 x 200 = 400 000 pixel-scans
    ImageDecoder tight = new ImageDecoder(new ImageLimits(1 << 20, 256 * 256, 8, 100, 300_000));
    ImageRejectedException e = assertThrows(ImageRejectedException.class, () -> tight.decode(jpeg));
    assertEquals(ImageRejectedException.Kind.DECODE_BUDGET, e.kind(), e.getMessage());
    ImageDecoder enough = new ImageDecoder(new ImageLimits(1 << 20, 256 * 256, 8, 100, 400_000));
    assertEquals(200, enough.decode(jpeg).height());
    ImageDecoder fewScans = new ImageDecoder(new ImageLimits(1 << 20, 256 * 256, 8, 9, 10_000_000));
    assertEquals(
        ImageRejectedException.Kind.DECODE_BUDGET,
        assertThrows(ImageRejectedException.class, () -> fewScans.decode(jpeg)).kind());
  }

  @Test
  void pngDecompressionBombIsRejectedBeforeImageIo() {
    // 64 x 64 grey needs 64 * 65 bytes of filtered data; this IDAT inflates to 64 MiB
    byte[] bomb = CraftedImages.pngWithZeros(64, 64, 64L << 20);
    long start = System.nanoTime();
    ImageRejectedException e =
        assertThrows(ImageRejectedException.class, () -> decoder.decode(bomb));
    System.out.printf(
        "PNG decompression bomb, %d bytes -> 64 MiB: rejected in %.3f s (%s)%n",
        bomb.length, (System.nanoTime() - start) / 1e9, e.getMessage());
    assertEquals(ImageRejectedException.Kind.DECODE_BUDGET, e.kind(), e.getMessage());
  }

  @Test
  void pngWhoseDataMatchesItsHeaderDecodes() throws Exception {
    RawImage img = decoder.decode(CraftedImages.pngWithZeros(40, 33, 33L * 41));
    assertEquals(40, img.width());
    assertEquals(0, img.sample(39, 32, 0));
  }

  @Test
  void pngWithTooLittleImageDataIsCorrupt() {
    assertKind(ImageRejectedException.Kind.CORRUPT, CraftedImages.pngWithZeros(40, 40, 100));
  }

  @Test
  void hugeDeclaredDimensionsAreRejectedFromTheHeader() throws Exception {
    assertKind(
        ImageRejectedException.Kind.TOO_LARGE, CraftedImages.pngWithZeros(100_000, 100_000, 1000));
    byte[] jpeg = CraftedImages.progressiveJpeg(CraftedImages.smooth(64, 64));
    assertKind(
        ImageRejectedException.Kind.TOO_LARGE, CraftedImages.withJpegSize(jpeg, 65_000, 65_000));
    assertKind(
        ImageRejectedException.Kind.TOO_LARGE,
        "P5 100000 100000 255\n".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void emptyTruncatedAndWrongMagicAreCorrupt() throws Exception {
    assertKind(ImageRejectedException.Kind.CORRUPT, new byte[0]);
    assertKind(
        ImageRejectedException.Kind.CORRUPT,
        "{\"not\": \"an image\"}".getBytes(StandardCharsets.US_ASCII));
    byte[] jpeg = CraftedImages.progressiveJpeg(CraftedImages.smooth(64, 64));
    for (int cut : new int[] {3, 20, jpeg.length / 2, jpeg.length - 2}) {
      assertKind(ImageRejectedException.Kind.CORRUPT, Arrays.copyOf(jpeg, cut));
    }
    byte[] png = CraftedImages.png16(48, 48, 1000);
    for (int cut : new int[] {8, 20, png.length / 2, png.length - 4}) {
      assertKind(ImageRejectedException.Kind.CORRUPT, Arrays.copyOf(png, cut));
    }
  }

  @Test
  void fourComponentCmykJpegIsRejectedAsUnsupported() throws Exception {
    byte[] cmyk = CraftedImages.fourComponentJpeg(48, 48);
    ImageRejectedException e =
        assertThrows(ImageRejectedException.class, () -> decoder.decode(cmyk));
    assertEquals(ImageRejectedException.Kind.UNSUPPORTED_FORMAT, e.kind(), e.getMessage());
    assertTrue(e.getMessage().contains("4 components"), e.getMessage());
  }

  @Test
  void losslessAndArithmeticJpegFramesAreRejectedAsUnsupported() throws Exception {
    byte[] jpeg = CraftedImages.progressiveJpeg(CraftedImages.smooth(64, 64));
    assertKind(
        ImageRejectedException.Kind.UNSUPPORTED_FORMAT, CraftedImages.withFrameMarker(jpeg, 0xC3));
    assertKind(
        ImageRejectedException.Kind.UNSUPPORTED_FORMAT, CraftedImages.withFrameMarker(jpeg, 0xCA));
  }

  @Test
  void sixteenBitGreyPngDecodesScaledToEightBits() throws Exception {
    RawImage img = decoder.decode(CraftedImages.png16(40, 36, 0x8080));
    assertEquals(1, img.channels());
    assertEquals(36, img.height());
    assertEquals(128, img.sample(5, 5, 0));
  }

  @Test
  void animatedGifIsRejectedAsUnsupportedOrAsNotTheDeclaredFormat() throws Exception {
    byte[] gif = CraftedImages.animatedGif(40, 40, 3);
    ImageRejectedException e =
        assertThrows(ImageRejectedException.class, () -> decoder.decode(gif));
    assertEquals(ImageRejectedException.Kind.UNSUPPORTED_FORMAT, e.kind());
    assertTrue(e.getMessage().contains("GIF"), e.getMessage());
    ImageRejectedException declared =
        assertThrows(
            ImageRejectedException.class, () -> decoder.decode(gif, ImageFormat.JPEG, null, null));
    assertEquals(ImageRejectedException.Kind.CORRUPT, declared.kind());
    assertTrue(declared.getMessage().contains("they are GIF"), declared.getMessage());
  }

  @Test
  void sniffsTheFormatFromTheBytesNotTheName() throws Exception {
    BufferedImage grey = new BufferedImage(40, 40, BufferedImage.TYPE_BYTE_GRAY);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(grey, "png", png);
    assertEquals(ImageFormat.PNG, ImageFormat.sniff(png.toByteArray()).orElseThrow());
    assertEquals(
        ImageFormat.JPEG, ImageFormat.sniff(CraftedImages.fourComponentJpeg(8, 8)).orElseThrow());
    assertEquals(
        ImageFormat.PGM,
        ImageFormat.sniff("P5\n2 2\n255\n".getBytes(StandardCharsets.US_ASCII)).orElseThrow());
    assertTrue(ImageFormat.sniff("P6\n2 2\n255\n".getBytes(StandardCharsets.US_ASCII)).isEmpty());
    assertTrue(ImageFormat.sniff(new byte[] {(byte) 0xFF}).isEmpty());
    assertEquals(40, decoder.decode(png.toByteArray()).width());
  }

  @Test
  void randomlyDamagedImagesNeverEscapeAsAnotherException() throws Exception {
    byte[][] seeds = {
      CraftedImages.progressiveJpeg(CraftedImages.smooth(64, 64)),
      CraftedImages.png16(48, 48, 3000),
      CraftedImages.pngWithZeros(40, 40, 40L * 41)
    };
    Random random = new Random(15);
    int decoded = 0;
    int rejected = 0;
    for (byte[] seed : seeds) {
      for (int round = 0; round < 150; round++) {
        byte[] damaged = seed.clone();
        for (int k = 1 + random.nextInt(4); k > 0; k--) {
          damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
        }
        try {
          decoder.decode(damaged);
          decoded++;
        } catch (ImageRejectedException expected) {
          rejected++;
        } catch (RuntimeException e) {
          fail("damaged image escaped as " + e, e);
        }
      }
    }
    System.out.printf("damaged images: %d decoded, %d rejected%n", decoded, rejected);
    assertTrue(rejected > 0);
  }

  private void assertKind(ImageRejectedException.Kind kind, byte[] data) {
    ImageRejectedException e =
        assertThrows(ImageRejectedException.class, () -> decoder.decode(data));
    assertEquals(kind, e.kind(), e.getMessage());
  }
}
