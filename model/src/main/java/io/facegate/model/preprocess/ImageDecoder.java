package io.facegate.model.preprocess;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes untrusted image bytes into a {@link RawImage}, checking the limits before any pixel is
 * decoded: first the byte size, then the header. PGM headers are parsed here; JPEG marker segments
 * (frame type, size, components, number of scans) and PNG chunks (IHDR, then the image data
 * inflated and counted against what the IHDR implies) are walked here before ImageIO sees the
 * bytes. So a small file that claims a huge image, a progressive JPEG that repeats a scan thousands
 * of times and a PNG decompression bomb are all rejected in time linear in their byte size.
 * Anything a decoder throws becomes an {@link ImageRejectedException}; no other exception leaves.
 *
 * <p>{@link #decode(byte[])} takes the format from the bytes' magic number; GIF, BMP, WebP and TIFF
 * are recognised and rejected as {@link ImageRejectedException.Kind#UNSUPPORTED_FORMAT}.
 *
 * <p>For encoded formats, a width/height given by the caller must agree with the header (otherwise
 * {@link ImageRejectedException.Kind#WRONG_SIZE}); RAW formats require both. Grey inputs decode to
 * one channel, colour to three (RGB, alpha dropped). Thread-safe.
 */
public final class ImageDecoder {

  private final ImageLimits limits;

  /** A decoder enforcing the given limits. */
  public ImageDecoder(ImageLimits limits) {
    if (limits == null) {
      throw new IllegalArgumentException("limits must not be null");
    }
    this.limits = limits;
  }

  /**
   * Decodes one encoded image (PGM, PNG or JPEG), its format sniffed from its first bytes, as
   * wherever images are read from files whose names may lie.
   *
   * @throws ImageRejectedException when the image must not be used; {@code kind()} says why
   */
  public RawImage decode(byte[] data) throws ImageRejectedException {
    if (data == null || data.length == 0) {
      throw new ImageRejectedException(ImageRejectedException.Kind.CORRUPT, "no image data");
    }
    ImageFormat format = ImageFormat.sniff(data).orElse(null);
    if (format == null) {
      String known = ImageFormat.sniffUnsupported(data).orElse(null);
      throw known != null
          ? new ImageRejectedException(
              ImageRejectedException.Kind.UNSUPPORTED_FORMAT,
              known + " images are not read; use PGM, PNG or JPEG")
          : new ImageRejectedException(
              ImageRejectedException.Kind.CORRUPT,
              "not a PGM, PNG or JPEG image (unknown magic number)");
    }
    return decode(data, format, null, null);
  }

  /**
   * Decodes one image.
   *
   * @param data encoded bytes
   * @param format how {@code data} is encoded
   * @param width pixels per row; required for RAW formats, optional (checked if given) otherwise
   * @param height rows; required for RAW formats, optional (checked if given) otherwise
   * @throws ImageRejectedException when the image must not be used; {@code kind()} says why
   */
  public RawImage decode(byte[] data, ImageFormat format, Integer width, Integer height)
      throws ImageRejectedException {
    if (format == null) {
      throw new ImageRejectedException(ImageRejectedException.Kind.UNSUPPORTED_FORMAT, "no format");
    }
    if (data == null || data.length == 0) {
      throw new ImageRejectedException(ImageRejectedException.Kind.CORRUPT, "no image data");
    }
    if (data.length > limits.maxBytes()) {
      throw new ImageRejectedException(
          ImageRejectedException.Kind.TOO_LARGE,
          data.length + " bytes > maxBytes " + limits.maxBytes());
    }
    return switch (format) {
      case RAW_GRAY8 -> decodeRaw(data, 1, width, height);
      case RAW_RGB8 -> decodeRaw(data, 3, width, height);
      case PGM -> checkDeclared(decodePgm(data), width, height);
      case PNG -> checkDeclared(decodeImageIo(data, "png", format), width, height);
      case JPEG -> checkDeclared(decodeImageIo(data, "jpeg", format), width, height);
    };
  }

  private void checkGeometry(long width, long height) throws ImageRejectedException {
    checkGeometry(limits, width, height);
  }

  /** Size checks shared by every format's header reader. */
  static void checkGeometry(ImageLimits limits, long width, long height)
      throws ImageRejectedException {
    if (width <= 0 || height <= 0) {
      throw new ImageRejectedException(
          ImageRejectedException.Kind.CORRUPT, "non-positive size " + width + "x" + height);
    }
    if (width * height > limits.maxPixels()) {
      throw new ImageRejectedException(
          ImageRejectedException.Kind.TOO_LARGE,
          width + "x" + height + " > maxPixels " + limits.maxPixels());
    }
    if (width < limits.minSide() || height < limits.minSide()) {
      throw new ImageRejectedException(
          ImageRejectedException.Kind.TOO_SMALL,
          width + "x" + height + " has a side < minSide " + limits.minSide());
    }
  }

  private static RawImage checkDeclared(RawImage img, Integer width, Integer height)
      throws ImageRejectedException {
    if ((width != null && width != img.width()) || (height != null && height != img.height())) {
      throw new ImageRejectedException(
          ImageRejectedException.Kind.WRONG_SIZE,
          "declared " + width + "x" + height + " but image is " + img.width() + "x" + img.height());
    }
    return img;
  }

  private RawImage decodeRaw(byte[] data, int channels, Integer width, Integer height)
      throws ImageRejectedException {
    if (width == null || height == null) {
      throw new ImageRejectedException(
          ImageRejectedException.Kind.WRONG_SIZE, "RAW image needs width and height");
    }
    if (width <= 0 || height <= 0) {
      throw new ImageRejectedException(
          ImageRejectedException.Kind.WRONG_SIZE,
          "RAW image size " + width + "x" + height + " is not positive");
    }
    checkGeometry(width, height);
    long expected = (long) width * height * channels;
    if (data.length != expected) {
      throw new ImageRejectedException(
          ImageRejectedException.Kind.WRONG_SIZE,
          "RAW image of "
              + width
              + "x"
              + height
              + "x"
              + channels
              + " needs "
              + expected
              + " bytes, got "
              + data.length);
    }
    return new RawImage(width, height, channels, data.clone());
  }

  // ---- PGM (P5 binary, P2 ASCII); maxval up to 65535, scaled to 8 bits ----

  private RawImage decodePgm(byte[] data) throws ImageRejectedException {
    PgmCursor cur = new PgmCursor(data);
    if (data.length < 2 || data[0] != 'P' || (data[1] != '5' && data[1] != '2')) {
      throw new ImageRejectedException(ImageRejectedException.Kind.CORRUPT, "not a P5/P2 PGM");
    }
    boolean binary = data[1] == '5';
    cur.pos = 2;
    long width = cur.headerInt();
    long height = cur.headerInt();
    long maxval = cur.headerInt();
    checkGeometry(width, height);
    if (maxval < 1 || maxval > 65535) {
      throw new ImageRejectedException(ImageRejectedException.Kind.CORRUPT, "PGM maxval " + maxval);
    }
    int n = (int) (width * height);
    byte[] out = new byte[n];
    if (binary) {
      // exactly one whitespace byte separates the header from the raster
      if (cur.pos >= data.length || !PgmCursor.isSpace(data[cur.pos])) {
        throw new ImageRejectedException(
            ImageRejectedException.Kind.CORRUPT, "PGM header not terminated");
      }
      int start = cur.pos + 1;
      int bytesPerSample = maxval > 255 ? 2 : 1;
      if ((long) data.length - start < (long) n * bytesPerSample) {
        throw new ImageRejectedException(
            ImageRejectedException.Kind.CORRUPT,
            "PGM truncated: " + (data.length - start) + " raster bytes for " + n + " pixels");
      }
      for (int i = 0; i < n; i++) {
        int v =
            bytesPerSample == 1
                ? data[start + i] & 0xFF
                : ((data[start + 2 * i] & 0xFF) << 8) | (data[start + 2 * i + 1] & 0xFF);
        out[i] = scale(v, maxval);
      }
    } else {
      for (int i = 0; i < n; i++) {
        long v = cur.rasterInt();
        out[i] = scale(v, maxval);
      }
    }
    return new RawImage((int) width, (int) height, 1, out);
  }

  private static byte scale(long v, long maxval) throws ImageRejectedException {
    if (v > maxval) {
      throw new ImageRejectedException(
          ImageRejectedException.Kind.CORRUPT, "PGM sample " + v + " > maxval " + maxval);
    }
    return (byte) (maxval == 255 ? v : Math.round(v * 255.0 / maxval));
  }

  /** Reads whitespace/comment-separated decimal integers from a PGM. */
  private static final class PgmCursor {
    private final byte[] data;
    private int pos;

    PgmCursor(byte[] data) {
      this.data = data;
    }

    static boolean isSpace(byte b) {
      return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0B || b == 0x0C;
    }

    long headerInt() throws ImageRejectedException {
      while (pos < data.length && (isSpace(data[pos]) || data[pos] == '#')) {
        if (data[pos] == '#') {
          while (pos < data.length && data[pos] != '\n' && data[pos] != '\r') {
            pos++;
          }
        } else {
          pos++;
        }
      }
      return digits("PGM header");
    }

    long rasterInt() throws ImageRejectedException {
      while (pos < data.length && isSpace(data[pos])) {
        pos++;
      }
      return digits("PGM raster");
    }

    private long digits(String where) throws ImageRejectedException {
      long v = 0;
      int start = pos;
      while (pos < data.length && data[pos] >= '0' && data[pos] <= '9') {
        v = v * 10 + (data[pos] - '0');
        if (v > Integer.MAX_VALUE) {
          throw new ImageRejectedException(
              ImageRejectedException.Kind.TOO_LARGE, where + " number too large");
        }
        pos++;
      }
      if (pos == start) {
        throw new ImageRejectedException(
            ImageRejectedException.Kind.CORRUPT, where + ": expected a number at byte " + pos);
      }
      return v;
    }
  }

  // ---- PNG and JPEG through ImageIO ----

  private RawImage decodeImageIo(byte[] data, String formatName, ImageFormat format)
      throws ImageRejectedException {
    ImageFormat actual = ImageFormat.sniff(data).orElse(null);
    if (actual != format) {
      throw new ImageRejectedException(
          ImageRejectedException.Kind.CORRUPT,
          "bytes are not "
              + format
              + (actual != null
                  ? " (they are " + actual + ")"
                  : ImageFormat.sniffUnsupported(data)
                      .map(n -> " (they are " + n + ")")
                      .orElse("")));
    }
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(formatName);
    if (!readers.hasNext()) {
      throw new ImageRejectedException(
          ImageRejectedException.Kind.UNSUPPORTED_FORMAT, "no ImageIO reader for " + format);
    }
    ImageReader reader = readers.next();
    List<String> warnings = new ArrayList<>();
    IIOReadWarningListener listener = (source, warning) -> warnings.add(warning);
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
      // the work budget is enforced on the structure before ImageIO decodes anything
      if (format == ImageFormat.JPEG) {
        JpegStructure.read(data, limits);
      } else {
        PngStructure.read(data, limits);
      }
      reader.setInput(in, true, true);
      reader.addIIOReadWarningListener(listener);
      checkGeometry(reader.getWidth(0), reader.getHeight(0));
      BufferedImage image = reader.read(0);
      if (!warnings.isEmpty()) {
        // ImageIO only warns on e.g. a truncated JPEG and fills the rest grey: not a face to trust
        throw new ImageRejectedException(
            ImageRejectedException.Kind.CORRUPT, format + " decoder warning: " + warnings.get(0));
      }
      return toRaw(image);
    } catch (IOException | RuntimeException e) {
      throw new ImageRejectedException(
          ImageRejectedException.Kind.CORRUPT, format + " not decodable: " + e.getMessage(), e);
    } finally {
      reader.dispose();
    }
  }

  private static RawImage toRaw(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int bands = image.getColorModel().getNumColorComponents();
    if (bands == 1
        && image.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY) {
      // read grey samples from the raster: getRGB would apply a gamma conversion
      Raster raster = image.getRaster();
      int bits = image.getColorModel().getComponentSize(0);
      int max = (1 << bits) - 1;
      byte[] px = new byte[w * h];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int v = raster.getSample(x, y, 0);
          px[y * w + x] = (byte) (bits == 8 ? v : Math.round(v * 255.0 / max));
        }
      }
      return new RawImage(w, h, 1, px);
    }
    byte[] px = new byte[w * h * 3];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int i = (y * w + x) * 3;
        px[i] = (byte) (row[x] >> 16);
        px[i + 1] = (byte) (row[x] >> 8);
        px[i + 2] = (byte) row[x];
      }
    }
    return new RawImage(w, h, 3, px);
  }
}
