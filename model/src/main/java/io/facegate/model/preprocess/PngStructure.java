package io.facegate.model.preprocess;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * What a PNG's chunks say, read before ImageIO sees it: the IHDR (size, bit depth, colour type,
 * interlace) is checked first, then the image data is inflated into a small scratch buffer and
 * counted. Image data must inflate to exactly what the header implies; inflation stops as soon as
 * it goes past that, so a decompression bomb costs at most one image's worth of inflating.
 *
 * @param width pixels per row
 * @param height rows
 * @param bitDepth bits per sample (1, 2, 4, 8 or 16)
 * @param colourType PNG colour type (0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA)
 * @param interlaced Adam7 interlacing
 */
record PngStructure(int width, int height, int bitDepth, int colourType, boolean interlaced) {

  private static final int IHDR = 0x49484452;
  private static final int IDAT = 0x49444154;
  private static final int IEND = 0x49454E44;

  /** Adam7 pass origins and steps: x0, y0, dx, dy. */
  private static final int[][] ADAM7 = {
    {0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}
  };

  /**
   * Walks the chunks of {@code d} (which starts with the PNG signature).
   *
   * @throws ImageRejectedException CORRUPT for a broken structure or truncated image data,
   *     TOO_LARGE / TOO_SMALL from the IHDR size, DECODE_BUDGET when the image data inflates past
   *     the size the header implies
   */
  static PngStructure read(byte[] d, ImageLimits limits) throws ImageRejectedException {
    int pos = 8;
    if (pos + 8 + 13 + 4 > d.length || u32(d, pos) != 13 || u32(d, pos + 4) != IHDR) {
      throw corrupt("does not start with a 13-byte IHDR chunk");
    }
    long width = u32(d, pos + 8) & 0xFFFFFFFFL;
    long height = u32(d, pos + 12) & 0xFFFFFFFFL;
    int bitDepth = d[pos + 16] & 0xFF;
    int colourType = d[pos + 17] & 0xFF;
    int compression = d[pos + 18] & 0xFF;
    int filter = d[pos + 19] & 0xFF;
    int interlace = d[pos + 20] & 0xFF;
    ImageDecoder.checkGeometry(limits, width, height);
    int samples =
        switch (colourType) {
          case 0, 3 -> 1;
          case 2 -> 3;
          case 4 -> 2;
          case 6 -> 4;
          default -> throw corrupt("colour type " + colourType);
        };
    boolean depthOk =
        switch (colourType) {
          case 0 ->
              bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8 || bitDepth == 16;
          case 3 -> bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8;
          default -> bitDepth == 8 || bitDepth == 16;
        };
    if (!depthOk || compression != 0 || filter != 0 || interlace > 1) {
      throw corrupt(
          "IHDR bit depth "
              + bitDepth
              + ", colour type "
              + colourType
              + ", compression "
              + compression
              + ", filter "
              + filter
              + ", interlace "
              + interlace);
    }
    long expected = rawSize((int) width, (int) height, (long) samples * bitDepth, interlace == 1);
    pos += 8 + 13 + 4;

    Inflater inflater = new Inflater();
    try {
      byte[] scratch = new byte[64 * 1024];
      long inflated = 0;
      boolean seenData = false;
      boolean dataEnded = false;
      while (true) {
        if (pos + 8 > d.length) {
          throw corrupt("truncated: no IEND chunk");
        }
        long length = u32(d, pos) & 0xFFFFFFFFL;
        int type = u32(d, pos + 4);
        if (length > d.length - pos - 12L) {
          throw corrupt(
              "chunk at byte "
                  + pos
                  + " claims "
                  + length
                  + " bytes, the file has "
                  + (d.length - pos - 12L)
                  + " left");
        }
        int body = pos + 8;
        if (type == IEND) {
          break;
        }
        if (type == IDAT) {
          if (dataEnded) {
            throw corrupt("image data (IDAT) chunks are not consecutive");
          }
          seenData = true;
          inflater.setInput(d, body, (int) length);
          while (!inflater.needsInput() && !inflater.finished()) {
            int n = inflater.inflate(scratch);
            inflated += n;
            if (inflated > expected) {
              throw new ImageRejectedException(
                  ImageRejectedException.Kind.DECODE_BUDGET,
                  "PNG image data inflates past the "
                      + expected
                      + " bytes its "
                      + width
                      + "x"
                      + height
                      + " header implies");
            }
            if (n == 0 && inflater.needsDictionary()) {
              throw corrupt("image data needs a preset dictionary");
            }
            if (n == 0 && !inflater.needsInput() && !inflater.finished()) {
              throw corrupt("image data stream makes no progress");
            }
          }
        } else if (seenData) {
          dataEnded = true;
        }
        pos = body + (int) length + 4;
      }
      if (inflated < expected) {
        throw corrupt(
            "image data holds " + inflated + " of the " + expected + " bytes its header implies");
      }
    } catch (DataFormatException e) {
      throw new ImageRejectedException(
          ImageRejectedException.Kind.CORRUPT,
          "PNG image data is not a valid zlib stream: " + e.getMessage(),
          e);
    } finally {
      inflater.end();
    }
    return new PngStructure((int) width, (int) height, bitDepth, colourType, interlace == 1);
  }

  /** Filtered, uncompressed size: one filter byte per row plus the packed samples, per pass. */
  static long rawSize(int width, int height, long bitsPerPixel, boolean interlaced) {
    if (!interlaced) {
      return height * (1 + (width * bitsPerPixel + 7) / 8);
    }
    long total = 0;
    for (int[] p : ADAM7) {
      long w = width > p[0] ? (width - p[0] + p[2] - 1) / p[2] : 0;
      long h = height > p[1] ? (height - p[1] + p[3] - 1) / p[3] : 0;
      if (w > 0 && h > 0) {
        total += h * (1 + (w * bitsPerPixel + 7) / 8);
      }
    }
    return total;
  }

  private static ImageRejectedException corrupt(String message) {
    return new ImageRejectedException(ImageRejectedException.Kind.CORRUPT, "PNG " + message);
  }

  private static int u32(byte[] d, int i) {
    return ((d[i] & 0xFF) << 24)
        | ((d[i + 1] & 0xFF) << 16)
        | ((d[i + 2] & 0xFF) << 8)
        | (d[i + 3] & 0xFF);
  }
}
