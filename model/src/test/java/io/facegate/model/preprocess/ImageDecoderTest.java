package io.facegate.model.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

  private final ImageDecoder decoder = new ImageDecoder(new ImageLimits(1 << 20, 256 * 256, 8));

  private static byte[] gradient(int w, int h) {
    byte[] px = new byte[w * h];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (i * 7);
    }
    return px;
  }

  private static byte[] p5(int w, int h, byte[] px) {
    byte[] header =
        ("P5\n# a comment\n" + w + " " + h + "\n255\n").getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(header, header.length + px.length);
    System.arraycopy(px, 0, out, header.length, px.length);
    return out;
  }

  private static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(img, format, out));
    return out.toByteArray();
  }

  private static BufferedImage grey(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, (x * 5 + y * 3) & 0xFF);
      }
    }
    return img;
  }

  private static BufferedImage colour(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, (200 << 16) | (40 << 8) | 90);
      }
    }
    return img;
  }

  @Test
  void decodesBinaryPgmWithComment() throws Exception {
    byte[] px = gradient(20, 10);
    RawImage img = decoder.decode(p5(20, 10, px), ImageFormat.PGM, null, null);
    assertEquals(20, img.width());
    assertEquals(10, img.height());
    assertEquals(1, img.channels());
    assertArrayEquals(px, img.pixels());
  }

  @Test
  void decodesAsciiPgmAndScalesMaxval() throws Exception {
    StringBuilder sb = new StringBuilder("P2\n8 8\n15\n");
    for (int i = 0; i < 64; i++) {
      sb.append(i % 2 == 0 ? "15 " : "0 ");
    }
    RawImage img =
        decoder.decode(
            sb.toString().getBytes(StandardCharsets.US_ASCII), ImageFormat.PGM, null, null);
    assertEquals(255, img.sample(0, 0, 0));
    assertEquals(0, img.sample(1, 0, 0));
  }

  @Test
  void rejectsTruncatedPgmAsCorrupt() {
    byte[] full = p5(20, 10, gradient(20, 10));
    byte[] cut = Arrays.copyOf(full, full.length - 5);
    assertKind(ImageRejectedException.Kind.CORRUPT, cut, ImageFormat.PGM, null, null);
  }

  @Test
  void rejectsGarbageAsCorrupt() {
    byte[] junk = "hello world, not an image".getBytes(StandardCharsets.US_ASCII);
    assertKind(ImageRejectedException.Kind.CORRUPT, junk, ImageFormat.PGM, null, null);
    assertKind(ImageRejectedException.Kind.CORRUPT, junk, ImageFormat.PNG, null, null);
    assertKind(ImageRejectedException.Kind.CORRUPT, junk, ImageFormat.JPEG, null, null);
  }

  @Test
  void rejectsPgmSampleAboveMaxval() {
    byte[] ascii = "P2\n8 8\n15\n16".getBytes(StandardCharsets.US_ASCII);
    assertKind(ImageRejectedException.Kind.CORRUPT, ascii, ImageFormat.PGM, null, null);
  }

  @Test
  void checksByteSizeBeforeAnythingElse() {
    ImageDecoder small = new ImageDecoder(new ImageLimits(100, 256 * 256, 8));
    byte[] junk = new byte[101];
    ImageRejectedException e =
        assertThrows(
            ImageRejectedException.class, () -> small.decode(junk, ImageFormat.JPEG, null, null));
    assertEquals(ImageRejectedException.Kind.TOO_LARGE, e.kind());
  }

  @Test
  void rejectsPgmHeaderClaimingHugeImageWithoutReadingRaster() {
    // a 20-byte file that claims 100000 x 100000 pixels: rejected from the header alone
    byte[] bomb = "P5 100000 100000 255\n".getBytes(StandardCharsets.US_ASCII);
    assertKind(ImageRejectedException.Kind.TOO_LARGE, bomb, ImageFormat.PGM, null, null);
  }

  @Test
  void rejectsPngWhoseHeaderIsTooLargeBeforeDecoding() throws Exception {
    byte[] png = encode(grey(300, 300), "png");
    assertKind(ImageRejectedException.Kind.TOO_LARGE, png, ImageFormat.PNG, null, null);
  }

  @Test
  void rejectsTinyImages() throws Exception {
    assertKind(
        ImageRejectedException.Kind.TOO_SMALL,
        p5(4, 20, gradient(4, 20)),
        ImageFormat.PGM,
        null,
        null);
    assertKind(
        ImageRejectedException.Kind.TOO_SMALL,
        encode(grey(20, 5), "png"),
        ImageFormat.PNG,
        null,
        null);
  }

  @Test
  void decodesGreyPngExactly() throws Exception {
    BufferedImage src = grey(30, 20);
    RawImage img = decoder.decode(encode(src, "png"), ImageFormat.PNG, null, null);
    assertEquals(1, img.channels());
    assertEquals(30, img.width());
    assertEquals((7 * 5 + 3 * 3) & 0xFF, img.sample(7, 3, 0));
  }

  @Test
  void decodesColourPngAsRgb() throws Exception {
    RawImage img = decoder.decode(encode(colour(16, 16), "png"), ImageFormat.PNG, null, null);
    assertEquals(3, img.channels());
    assertEquals(200, img.sample(5, 5, 0));
    assertEquals(40, img.sample(5, 5, 1));
    assertEquals(90, img.sample(5, 5, 2));
  }

  @Test
  void decodesGreyAndColourJpeg() throws Exception {
    RawImage g = decoder.decode(encode(grey(32, 32), "jpeg"), ImageFormat.JPEG, null, null);
    assertEquals(1, g.channels());
    RawImage c = decoder.decode(encode(colour(32, 32), "jpeg"), ImageFormat.JPEG, null, null);
    assertEquals(3, c.channels());
    assertTrue(Math.abs(c.sample(10, 10, 0) - 200) < 8, "red ~200, got " + c.sample(10, 10, 0));
    assertTrue(Math.abs(c.sample(10, 10, 2) - 90) < 8, "blue ~90, got " + c.sample(10, 10, 2));
  }

  @Test
  void rejectsTruncatedJpegAndPng() throws Exception {
    byte[] jpeg = encode(colour(64, 64), "jpeg");
    assertKind(
        ImageRejectedException.Kind.CORRUPT,
        Arrays.copyOf(jpeg, jpeg.length / 2),
        ImageFormat.JPEG,
        null,
        null);
    byte[] png = encode(grey(64, 64), "png");
    assertKind(
        ImageRejectedException.Kind.CORRUPT,
        Arrays.copyOf(png, png.length / 2),
        ImageFormat.PNG,
        null,
        null);
  }

  @Test
  void rejectsPngBytesDeclaredAsJpeg() throws Exception {
    assertKind(
        ImageRejectedException.Kind.CORRUPT,
        encode(grey(16, 16), "png"),
        ImageFormat.JPEG,
        null,
        null);
  }

  @Test
  void rejectsEncodedImageWhoseDeclaredSizeDisagrees() throws Exception {
    assertKind(
        ImageRejectedException.Kind.WRONG_SIZE,
        encode(grey(16, 16), "png"),
        ImageFormat.PNG,
        16,
        17);
  }

  @Test
  void decodesRawGreyAndRgb() throws Exception {
    byte[] g = gradient(10, 12);
    assertArrayEquals(g, decoder.decode(g, ImageFormat.RAW_GRAY8, 10, 12).pixels());
    byte[] rgb = new byte[10 * 12 * 3];
    rgb[3] = 9;
    RawImage img = decoder.decode(rgb, ImageFormat.RAW_RGB8, 10, 12);
    assertEquals(3, img.channels());
    assertEquals(9, img.sample(1, 0, 0));
  }

  @Test
  void rejectsRawWithWrongLengthOrMissingSize() {
    byte[] g = gradient(10, 12);
    assertKind(ImageRejectedException.Kind.WRONG_SIZE, g, ImageFormat.RAW_GRAY8, 10, 13);
    assertKind(ImageRejectedException.Kind.WRONG_SIZE, g, ImageFormat.RAW_RGB8, 10, 12);
    assertKind(ImageRejectedException.Kind.WRONG_SIZE, g, ImageFormat.RAW_GRAY8, null, 12);
    assertKind(ImageRejectedException.Kind.WRONG_SIZE, g, ImageFormat.RAW_GRAY8, 10, null);
    assertKind(ImageRejectedException.Kind.WRONG_SIZE, g, ImageFormat.RAW_GRAY8, -10, -12);
  }

  @Test
  void rejectsRawClaimingTooManyPixelsBeforeLengthCheck() {
    assertKind(
        ImageRejectedException.Kind.TOO_LARGE, new byte[16], ImageFormat.RAW_GRAY8, 1000, 1000);
  }

  @Test
  void rejectsMissingFormatOrData() {
    assertKind(ImageRejectedException.Kind.UNSUPPORTED_FORMAT, new byte[4], null, null, null);
    assertKind(ImageRejectedException.Kind.CORRUPT, new byte[0], ImageFormat.PNG, null, null);
  }

  @Test
  void decodesAnOrlFace() throws Exception {
    Path face =
        Path.of(
            System.getProperty("facegate.datasets", "../../shared/datasets"),
            "orl-faces",
            "s1",
            "1.pgm");
    Assumptions.assumeTrue(Files.isRegularFile(face), "shared datasets not present");
    RawImage img =
        new ImageDecoder(ImageLimits.defaults())
            .decode(Files.readAllBytes(face), ImageFormat.PGM, null, null);
    assertEquals(92, img.width());
    assertEquals(112, img.height());
  }

  private void assertKind(
      ImageRejectedException.Kind kind, byte[] data, ImageFormat f, Integer w, Integer h) {
    ImageRejectedException e =
        assertThrows(ImageRejectedException.class, () -> decoder.decode(data, f, w, h));
    assertEquals(kind, e.kind(), e.getMessage());
  }
}
