package io.facegate.model.preprocess;

import java.util.Optional;

/** How the bytes handed to {@link ImageDecoder} are encoded. RAW formats need width and height. */
public enum ImageFormat {
  /** Netpbm grey map, binary (P5) or ASCII (P2). */
  PGM,
  /** PNG, grey or colour. */
  PNG,
  /** JPEG (baseline or progressive), grey or colour. */
  JPEG,
  /** 8-bit grey pixels, row-major. */
  RAW_GRAY8,
  /** 8-bit RGB pixels, row-major, interleaved. */
  RAW_RGB8;

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  /**
   * The encoded format the bytes themselves announce (their magic number), whatever a file name or
   * a sender says: PGM ({@code P5} / {@code P2} and whitespace), PNG (its 8-byte signature) or JPEG
   * ({@code FF D8 FF}). RAW formats have no magic and are never sniffed.
   *
   * @param head the first bytes of the image (at least 8 for PNG); may be longer or shorter
   */
  public static Optional<ImageFormat> sniff(byte[] head) {
    if (head == null) {
      return Optional.empty();
    }
    if (startsWith(head, PNG_SIGNATURE)) {
      return Optional.of(PNG);
    }
    if (head.length >= 3
        && (head[0] & 0xFF) == 0xFF
        && (head[1] & 0xFF) == 0xD8
        && (head[2] & 0xFF) == 0xFF) {
      return Optional.of(JPEG);
    }
    if (head.length >= 3
        && head[0] == 'P'
        && (head[1] == '5' || head[1] == '2')
        && (head[2] == ' '
            || head[2] == '\t'
            || head[2] == '\n'
            || head[2] == '\r'
            || head[2] == '#')) {
      return Optional.of(PGM);
    }
    return Optional.empty();
  }

  /**
   * The name of a well-known image format the decoder does not read (GIF, BMP, WebP, TIFF, other
   * Netpbm maps), from the magic number, so that a rejection can say what the bytes are.
   */
  static Optional<String> sniffUnsupported(byte[] head) {
    if (startsWith(head, "GIF87a".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        || startsWith(head, "GIF89a".getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
      return Optional.of("GIF");
    }
    if (head.length >= 12
        && startsWith(head, new byte[] {'R', 'I', 'F', 'F'})
        && head[8] == 'W'
        && head[9] == 'E'
        && head[10] == 'B'
        && head[11] == 'P') {
      return Optional.of("WebP");
    }
    if (startsWith(head, new byte[] {'I', 'I', 42, 0})
        || startsWith(head, new byte[] {'M', 'M', 0, 42})) {
      return Optional.of("TIFF");
    }
    if (startsWith(head, new byte[] {'B', 'M'})) {
      return Optional.of("BMP");
    }
    if (head.length >= 2 && head[0] == 'P' && head[1] >= '1' && head[1] <= '7') {
      return Optional.of("Netpbm P" + (char) head[1]);
    }
    return Optional.empty();
  }

  private static boolean startsWith(byte[] data, byte[] prefix) {
    if (data.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
