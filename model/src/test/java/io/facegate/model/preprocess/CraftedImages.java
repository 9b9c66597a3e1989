package io.facegate.model.preprocess;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Hostile and unusual images built in code, so that no binary test file is committed. Public for
 * the stream processor's tests (through the test jar).
 */
public final class CraftedImages {

  private CraftedImages() {}

  /** A smooth colour image: small scans, so a scan bomb stays under the byte limit. */
  public static BufferedImage smooth(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, ((x * 255 / w) << 16) | ((y * 255 / h) << 8) | 90);
      }
    }
    return img;
  }

  /** A progressive JPEG as ImageIO writes it (libjpeg's simple progression: 10 colour scans). */
  public static byte[] progressiveJpeg(BufferedImage img) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    return write(writer, new IIOImage(img, null, null), param);
  }

  /** A four-component (CMYK-like) JPEG, written from a raster. */
  public static byte[] fourComponentJpeg(int w, int h) throws IOException {
    WritableRaster raster =
        Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raster.setPixel(x, y, new int[] {x * 4, y * 4, 60, 20});
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    return write(writer, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
  }

  /** An animated GIF of {@code frames} frames. */
  public static byte[] animatedGif(int w, int h, int frames) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.prepareWriteSequence(null);
      for (int i = 0; i < frames; i++) {
        BufferedImage frame = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED);
        frame.getRaster().setSample(i % w, 0, 0, 1);
        writer.writeToSequence(new IIOImage(frame, null, null), null);
      }
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** A 16-bit grey PNG whose every sample is {@code value}. */
  public static byte[] png16(int w, int h, int value) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, value);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  /**
   * {@code jpeg} with its last scan repeated {@code extra} more times before EOI: every copy is a
   * valid refinement scan, so ImageIO decodes them all.
   */
  public static byte[] repeatLastScan(byte[] jpeg, int extra) {
    int last = -1;
    for (int i = 0; i + 1 < jpeg.length; i++) {
      if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) {
        last = i;
      }
    }
    int eoi = jpeg.length - 2;
    if (last < 0 || (jpeg[eoi] & 0xFF) != 0xFF || (jpeg[eoi + 1] & 0xFF) != 0xD9) {
      throw new IllegalStateException("not a JPEG ending in a scan and EOI");
    }
    int scanLength = eoi - last;
    byte[] out = Arrays.copyOf(jpeg, Math.addExact(eoi + 2, Math.multiplyExact(extra, scanLength)));
    for (int k = 1; k <= extra; k++) {
      System.arraycopy(jpeg, last, out, eoi + (k - 1) * scanLength, scanLength);
    }
    out[out.length - 2] = (byte) 0xFF;
    out[out.length - 1] = (byte) 0xD9;
    return out;
  }

  /** Number of SOS markers (an upper bound: the pattern may occur in entropy-coded data too). */
  public static int countSos(byte[] jpeg) {
    int n = 0;
    for (int i = 0; i + 1 < jpeg.length; i++) {
      if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) {
        n++;
      }
    }
    return n;
  }

  /** A copy of {@code jpeg} whose frame header claims {@code w x h}. */
  public static byte[] withJpegSize(byte[] jpeg, int w, int h) {
    byte[] out = jpeg.clone();
    int sof = frameHeader(out);
    out[sof + 5] = (byte) (h >> 8);
    out[sof + 6] = (byte) h;
    out[sof + 7] = (byte) (w >> 8);
    out[sof + 8] = (byte) w;
    return out;
  }

  /** A copy of {@code jpeg} whose frame marker is {@code sofMarker} (e.g. 0xC3, lossless). */
  public static byte[] withFrameMarker(byte[] jpeg, int sofMarker) {
    byte[] out = jpeg.clone();
    out[frameHeader(out) + 1] = (byte) sofMarker;
    return out;
  }

  private static int frameHeader(byte[] jpeg) {
    for (int i = 2; i + 1 < jpeg.length; i++) {
      int m = jpeg[i + 1] & 0xFF;
      if ((jpeg[i] & 0xFF) == 0xFF && (m == 0xC0 || m == 0xC1 || m == 0xC2)) {
        return i;
      }
    }
    throw new IllegalStateException("no SOF0/1/2");
  }

  /**
   * A grey 8-bit PNG whose IHDR says {@code w x h} and whose image data is {@code rawZeros} zero
   * bytes, deflated (a million zeros deflate to about a kilobyte).
   */
  public static byte[] pngWithZeros(int w, int h, long rawZeros) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    byte[] zeros = new byte[1 << 16];
    byte[] buf = new byte[1 << 16];
    long left = rawZeros;
    while (left > 0) {
      int n = (int) Math.min(zeros.length, left);
      deflater.setInput(zeros, 0, n);
      left -= n;
      while (!deflater.needsInput()) {
        idat.write(buf, 0, deflater.deflate(buf));
      }
    }
    deflater.finish();
    while (!deflater.finished()) {
      idat.write(buf, 0, deflater.deflate(buf));
    }
    deflater.end();
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    chunk(
        png,
        "IHDR",
        ByteBuffer.allocate(13)
            .putInt(w)
            .putInt(h)
            .put((byte) 8)
            .put((byte) 0)
            .put((byte) 0)
            .put((byte) 0)
            .put((byte) 0)
            .array());
    chunk(png, "IDAT", idat.toByteArray());
    chunk(png, "IEND", new byte[0]);
    return png.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  private static byte[] write(ImageWriter writer, IIOImage image, ImageWriteParam param)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.write(null, image, param);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }
}
