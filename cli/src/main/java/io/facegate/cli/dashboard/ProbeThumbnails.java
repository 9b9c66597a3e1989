package io.facegate.cli.dashboard;

import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageFormat;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.ImageRejectedException;
import io.facegate.model.preprocess.RawImage;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The opt-in probe thumbnails ({@code --show-probes}): the camera frames of recent events, kept by
 * event id within a byte budget, turned into a small grey PNG only for the decisions the page is
 * sent. Decoding goes through the processor's bounded {@link ImageDecoder}. A frame is decoded
 * once; its thumbnail is kept for as many decisions as the page lists, so that every page, and a
 * page that reconnects, gets the same. Thread-safe.
 */
final class ProbeThumbnails {

  /** Longest side of a thumbnail, in pixels. */
  static final int SIDE = 64;

  private static final long MAX_BYTES = 32L * 1024 * 1024;

  /** Thumbnails kept: as many decisions as the page can list. */
  private static final int MAX_THUMBNAILS = LiveBoard.MAX_DOORS * LiveBoard.PER_DOOR;

  private final ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
  private final LinkedHashMap<String, FaceImage> frames = new LinkedHashMap<>();
  private final LinkedHashMap<String, String> made = new LinkedHashMap<>();
  private long bytes;

  synchronized void offer(FaceEvent event) {
    FaceImage image = event.getImage();
    if (image == null || image.getData() == null) {
      return;
    }
    FaceImage old = frames.put(event.getEventId(), image);
    if (old != null) {
      bytes -= old.getData().remaining();
    }
    bytes += image.getData().remaining();
    Iterator<Map.Entry<String, FaceImage>> it = frames.entrySet().iterator();
    while (bytes > MAX_BYTES && it.hasNext()) {
      bytes -= it.next().getValue().getData().remaining();
      it.remove();
    }
  }

  /**
   * @return a PNG data URI of the event's face, or null when its frame is not held or not decodable
   */
  String thumbnail(String eventId) {
    FaceImage image;
    synchronized (this) {
      String done = made.get(eventId);
      if (done != null) {
        return done;
      }
      image = frames.remove(eventId);
      if (image != null) {
        bytes -= image.getData().remaining();
      }
    }
    if (image == null) {
      return null;
    }
    ImageFormat format =
        switch (image.getEncoding()) {
          case PGM -> ImageFormat.PGM;
          case PNG -> ImageFormat.PNG;
          case JPEG -> ImageFormat.JPEG;
          case RAW_GRAY8 -> ImageFormat.RAW_GRAY8;
          case RAW_RGB8 -> ImageFormat.RAW_RGB8;
          default -> null;
        };
    if (format == null) {
      return null;
    }
    ByteBuffer buf = image.getData().duplicate();
    byte[] data = new byte[buf.remaining()];
    buf.get(data);
    String uri;
    try {
      uri = dataUri(decoder.decode(data, format, image.getWidth(), image.getHeight()));
    } catch (ImageRejectedException e) {
      return null;
    }
    synchronized (this) {
      made.put(eventId, uri);
      Iterator<String> oldest = made.keySet().iterator();
      while (made.size() > MAX_THUMBNAILS) {
        oldest.next();
        oldest.remove();
      }
    }
    return uri;
  }

  /** Nearest-neighbour down-scaling to {@link #SIDE} pixels, grey. */
  static String dataUri(RawImage img) {
    double scale = Math.min(1.0, (double) SIDE / Math.max(img.width(), img.height()));
    int w = Math.max(1, (int) Math.round(img.width() * scale));
    int h = Math.max(1, (int) Math.round(img.height() * scale));
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      int sy = Math.min(img.height() - 1, (int) (y / scale));
      for (int x = 0; x < w; x++) {
        int sx = Math.min(img.width() - 1, (int) (x / scale));
        int v;
        if (img.channels() == 1) {
          v = img.sample(sx, sy, 0);
        } else {
          v =
              (img.sample(sx, sy, 0) * 299
                      + img.sample(sx, sy, 1) * 587
                      + img.sample(sx, sy, 2) * 114)
                  / 1000;
        }
        out.getRaster().setSample(x, y, 0, v);
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ImageIO.write(out, "png", png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
  }
}
