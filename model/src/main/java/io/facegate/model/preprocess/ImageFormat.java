package io.facegate.model.preprocess;

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
  RAW_RGB8
}
