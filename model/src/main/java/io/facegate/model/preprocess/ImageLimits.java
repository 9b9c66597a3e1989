package io.facegate.model.preprocess;

/**
 * Bounds an untrusted image must respect before it is decoded.
 *
 * <p>The decode budget exists because the work of decoding a progressive JPEG grows with its number
 * of scans, not with its byte size: a JPEG that repeats one small scan thousands of times is a few
 * hundred kilobytes and keeps ImageIO busy for tens of seconds (about 13 ns per pixel and scan,
 * measured on a 250 x 250 and a 2048 x 2048 image). The scan count and pixels x scans are read from
 * the marker segments before any pixel is decoded.
 *
 * @param maxBytes largest accepted encoded size in bytes
 * @param maxPixels largest accepted width x height, read from the header before decoding
 * @param minSide smallest accepted width or height
 * @param maxJpegScans most scans (SOS segments) a JPEG may have; common encoders write 10 for a
 *     progressive colour image (libjpeg's simple progression) and libjpeg-turbo's TurboJPEG caps at
 *     500 when asked to limit scans
 * @param maxPixelScans most width x height x scans a JPEG may cost: caps the work of a large image
 *     whose scan count is below {@code maxJpegScans}
 */
public record ImageLimits(
    int maxBytes, int maxPixels, int minSide, int maxJpegScans, long maxPixelScans) {

  /** Default {@link #maxJpegScans()}: ten times what a standard progressive encoder writes. */
  public static final int DEFAULT_MAX_JPEG_SCANS = 100;

  /**
   * Default {@link #maxPixelScans()} per admitted pixel: the largest admitted image may still be
   * decoded in 16 full passes (a standard progressive JPEG needs 10).
   */
  public static final int DEFAULT_PIXEL_SCANS_PER_PIXEL = 16;

  /** Validates the bounds; the message names the offending field. */
  public ImageLimits {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be > 0, got " + maxBytes);
    }
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be > 0, got " + maxPixels);
    }
    if (minSide <= 0) {
      throw new IllegalArgumentException("minSide must be > 0, got " + minSide);
    }
    if (maxJpegScans <= 0) {
      throw new IllegalArgumentException("maxJpegScans must be > 0, got " + maxJpegScans);
    }
    if (maxPixelScans <= 0) {
      throw new IllegalArgumentException("maxPixelScans must be > 0, got " + maxPixelScans);
    }
  }

  /**
   * The given size bounds with the default decode budget: at most {@value #DEFAULT_MAX_JPEG_SCANS}
   * JPEG scans and {@value #DEFAULT_PIXEL_SCANS_PER_PIXEL} x {@code maxPixels} pixel-scans.
   */
  public ImageLimits(int maxBytes, int maxPixels, int minSide) {
    this(
        maxBytes,
        maxPixels,
        minSide,
        DEFAULT_MAX_JPEG_SCANS,
        (long) DEFAULT_PIXEL_SCANS_PER_PIXEL * Math.max(maxPixels, 1));
  }

  /** 8 MiB, 4096 x 4096 pixels, sides of at least 32 pixels, the default decode budget. */
  public static ImageLimits defaults() {
    return new ImageLimits(8 * 1024 * 1024, 4096 * 4096, 32);
  }
}
