package io.facegate.model.preprocess;

/** An image that must not be used: the caller fails closed (DENIED) and records the kind. */
public final class ImageRejectedException extends Exception {

  /** Why the image was rejected. */
  public enum Kind {
    /** Not decodable: bad header, truncated or damaged data, or not the format it claims. */
    CORRUPT,
    /** Over {@link ImageLimits#maxBytes()} or {@link ImageLimits#maxPixels()}. */
    TOO_LARGE,
    /** A side under {@link ImageLimits#minSide()}. */
    TOO_SMALL,
    /** A format the decoder does not handle. */
    UNSUPPORTED_FORMAT,
    /** RAW data whose length does not match width x height x channels, or width/height missing. */
    WRONG_SIZE,
    /**
     * More decoding work than {@link ImageLimits} allows, found before decoding: a JPEG with more
     * than {@link ImageLimits#maxJpegScans()} scans or over {@link ImageLimits#maxPixelScans()}, or
     * PNG image data that inflates past what its header promises.
     */
    DECODE_BUDGET
  }

  private final Kind kind;

  /** A rejection of the given kind. */
  public ImageRejectedException(Kind kind, String message) {
    super(kind + ": " + message);
    this.kind = kind;
  }

  /** A rejection of the given kind caused by a decoder failure. */
  public ImageRejectedException(Kind kind, String message, Throwable cause) {
    super(kind + ": " + message, cause);
    this.kind = kind;
  }

  /** Why the image was rejected. */
  public Kind kind() {
    return kind;
  }
}
