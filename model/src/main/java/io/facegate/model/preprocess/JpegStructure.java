package io.facegate.model.preprocess;

/**
 * What a JPEG's marker segments say, read without decoding a pixel: frame type, size, component
 * count and the number of scans. The walk is linear in the byte count (entropy-coded data is
 * skipped byte by byte to the next marker) and stops at the first scan over the budget, so a scan
 * bomb costs no more than reading its bytes once.
 *
 * @param width samples per line, from the frame header
 * @param height lines, from the frame header
 * @param components 1 (grey) or 3 (YCbCr / RGB)
 * @param progressive whether the frame is progressive (SOF2)
 * @param scans number of SOS segments
 */
record JpegStructure(int width, int height, int components, boolean progressive, int scans) {

  private static final int SOI = 0xD8;
  private static final int EOI = 0xD9;
  private static final int SOS = 0xDA;
  private static final int DNL = 0xDC;
  private static final int TEM = 0x01;

  /**
   * Walks the segments of {@code d} (which starts with SOI) and checks them against {@code limits}.
   *
   * @throws ImageRejectedException CORRUPT for a broken structure, UNSUPPORTED_FORMAT for frame
   *     types or component counts ImageIO cannot turn into a grey or RGB face, TOO_LARGE /
   *     TOO_SMALL from the frame size, DECODE_BUDGET for too many scans or pixels x scans
   */
  static JpegStructure read(byte[] d, ImageLimits limits) throws ImageRejectedException {
    if (d.length < 4 || u8(d, 0) != 0xFF || u8(d, 1) != SOI) {
      throw corrupt("no SOI marker");
    }
    int pos = 2;
    int width = 0;
    int height = 0;
    int components = 0;
    boolean progressive = false;
    boolean frame = false;
    int scans = 0;
    while (true) {
      if (pos >= d.length) {
        throw corrupt("truncated: no EOI marker");
      }
      if (u8(d, pos) != 0xFF) {
        throw corrupt("expected a marker at byte " + pos);
      }
      // any number of 0xFF fill bytes may precede a marker code
      while (pos < d.length && u8(d, pos) == 0xFF) {
        pos++;
      }
      if (pos >= d.length) {
        throw corrupt("truncated inside a marker");
      }
      int marker = u8(d, pos++);
      if (marker == EOI) {
        break;
      }
      if (marker == TEM || (marker >= 0xD0 && marker <= 0xD7)) {
        continue;
      }
      if (marker == SOI || marker == 0x00) {
        throw corrupt(String.format("unexpected marker 0x%02X at byte %d", marker, pos - 1));
      }
      if (pos + 2 > d.length) {
        throw corrupt("truncated segment length at byte " + pos);
      }
      int length = u16(d, pos);
      if (length < 2 || pos + length > d.length) {
        throw corrupt(
            String.format(
                "segment 0x%02X at byte %d has length %d, %d bytes left",
                marker, pos - 2, length, d.length - pos));
      }
      int body = pos + 2;
      int end = pos + length;
      if (isFrameMarker(marker)) {
        if (frame) {
          throw corrupt("more than one frame header (hierarchical JPEG)");
        }
        frame = true;
        if (marker != 0xC0 && marker != 0xC1 && marker != 0xC2) {
          throw new ImageRejectedException(
              ImageRejectedException.Kind.UNSUPPORTED_FORMAT,
              String.format(
                  "JPEG frame type SOF%d (lossless, hierarchical or arithmetic-coded)",
                  marker - 0xC0));
        }
        progressive = marker == 0xC2;
        if (length < 8) {
          throw corrupt("frame header too short");
        }
        int precision = u8(d, body);
        height = u16(d, body + 1);
        width = u16(d, body + 3);
        components = u8(d, body + 5);
        if (precision != 8) {
          throw new ImageRejectedException(
              ImageRejectedException.Kind.UNSUPPORTED_FORMAT, precision + "-bit JPEG samples");
        }
        if (height == 0) {
          throw new ImageRejectedException(
              ImageRejectedException.Kind.UNSUPPORTED_FORMAT,
              "JPEG height defined by a DNL marker");
        }
        if (length < 8 + 3 * components) {
          throw corrupt("frame header shorter than its " + components + " components");
        }
        if (components != 1 && components != 3) {
          throw new ImageRejectedException(
              ImageRejectedException.Kind.UNSUPPORTED_FORMAT,
              "JPEG with "
                  + components
                  + " components"
                  + (components == 4 ? " (CMYK or YCCK)" : "")
                  + "; only grey and colour (3) are read");
        }
        ImageDecoder.checkGeometry(limits, width, height);
      } else if (marker == DNL) {
        throw new ImageRejectedException(
            ImageRejectedException.Kind.UNSUPPORTED_FORMAT, "JPEG height defined by a DNL marker");
      }
      pos = end;
      if (marker == SOS) {
        if (!frame) {
          throw corrupt("scan before the frame header");
        }
        scans++;
        if (scans > limits.maxJpegScans()) {
          throw new ImageRejectedException(
              ImageRejectedException.Kind.DECODE_BUDGET,
              "JPEG has more than maxJpegScans " + limits.maxJpegScans() + " scans");
        }
        long work = (long) width * height * scans;
        if (work > limits.maxPixelScans()) {
          throw new ImageRejectedException(
              ImageRejectedException.Kind.DECODE_BUDGET,
              width
                  + "x"
                  + height
                  + " JPEG with "
                  + scans
                  + "+ scans is over maxPixelScans "
                  + limits.maxPixelScans());
        }
        pos = endOfEntropyData(d, pos);
      }
    }
    if (!frame) {
      throw corrupt("no frame header");
    }
    if (scans == 0) {
      throw corrupt("no scan");
    }
    return new JpegStructure(width, height, components, progressive, scans);
  }

  /** The position of the first marker after entropy-coded data (0xFF00 and RSTn belong to it). */
  private static int endOfEntropyData(byte[] d, int pos) {
    while (pos + 1 < d.length) {
      if (u8(d, pos) == 0xFF) {
        int next = u8(d, pos + 1);
        if (next != 0x00 && next != 0xFF && (next < 0xD0 || next > 0xD7)) {
          return pos;
        }
        pos += next == 0xFF ? 1 : 2;
      } else {
        pos++;
      }
    }
    return d.length;
  }

  private static boolean isFrameMarker(int m) {
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
  }

  private static ImageRejectedException corrupt(String message) {
    return new ImageRejectedException(ImageRejectedException.Kind.CORRUPT, "JPEG " + message);
  }

  private static int u8(byte[] d, int i) {
    return d[i] & 0xFF;
  }

  private static int u16(byte[] d, int i) {
    return (u8(d, i) << 8) | u8(d, i + 1);
  }
}
