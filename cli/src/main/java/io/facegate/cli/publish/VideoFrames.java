package io.facegate.cli.publish;

import io.facegate.schemas.FaceImage;
import io.facegate.schemas.ImageEncoding;
import io.facegate.schemas.ImageKind;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.jcodec.api.FrameGrab;
import org.jcodec.api.JCodecException;
import org.jcodec.api.PictureWithMetadata;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rect;
import org.jcodec.scale.ColorUtil;
import org.jcodec.scale.Transform;

/**
 * Frames of a video file (MP4/QuickTime with H.264, decoded by JCodec, pure Java), sampled at a
 * fixed rate and encoded as JPEG: the first frame, then the first frame at or after each further
 * {@code 1 / framesPerSecond} of presentation time, each a whole camera frame ({@link
 * ImageKind#FRAME}: the processor finds the face). Each frame's capture time is the video's start
 * time plus its presentation timestamp. Anything the decoder cannot read ends the sequence with a
 * {@link VideoDecodeException} naming the file.
 */
public final class VideoFrames implements AutoCloseable {

  /** The largest frame decoded, in pixels (8K UHD); bigger streams are refused before decoding. */
  static final long MAX_PIXELS = 7680L * 4320L;

  /** One sampled frame. */
  public record Frame(int index, Duration pts, Instant captureTime, FaceImage image) {

    /**
     * Where in the video the frame was taken, as trace attributes (never used by the decision);
     * that it is a whole frame is {@link FaceImage#getKind()}.
     */
    public Map<String, String> attributes() {
      return Map.of(
          "video.frame", Integer.toString(index), "video.pts_ms", Long.toString(pts.toMillis()));
    }
  }

  private final Path file;
  private final FileChannelWrapper channel;
  private final FrameGrab grab;
  private final double framesPerSecond;
  private final Instant start;
  private int decoded;
  private int sampled;
  private double firstPts = Double.NaN;

  private VideoFrames(
      Path file,
      FileChannelWrapper channel,
      FrameGrab grab,
      double framesPerSecond,
      Instant start) {
    this.file = file;
    this.channel = channel;
    this.grab = grab;
    this.framesPerSecond = framesPerSecond;
    this.start = start;
  }

  /**
   * Opens a video.
   *
   * @param framesPerSecond the sampling rate, > 0
   * @param start the capture time of presentation time 0
   * @throws VideoDecodeException when the file is missing or not a video JCodec can decode
   */
  public static VideoFrames open(Path file, double framesPerSecond, Instant start)
      throws VideoDecodeException {
    if (!(framesPerSecond > 0) || Double.isInfinite(framesPerSecond)) {
      throw new IllegalArgumentException("frames per second must be > 0, got " + framesPerSecond);
    }
    if (!Files.isRegularFile(file)) {
      throw new VideoDecodeException(file + ": no such video file");
    }
    FileChannelWrapper channel = null;
    try {
      channel = NIOUtils.readableChannel(file.toFile());
      FrameGrab grab = FrameGrab.createFrameGrab(channel);
      return new VideoFrames(file, channel, grab, framesPerSecond, start);
    } catch (IOException | JCodecException | RuntimeException e) {
      NIOUtils.closeQuietly(channel);
      throw new VideoDecodeException(
          file + ": not a video JCodec can decode (MP4/QuickTime with H.264): " + describe(e), e);
    }
  }

  /**
   * The next sampled frame, or empty at the end of the video.
   *
   * @throws VideoDecodeException when a frame cannot be decoded
   */
  public Optional<Frame> next() throws VideoDecodeException {
    while (true) {
      PictureWithMetadata p;
      try {
        p = grab.getNativeFrameWithMetadata();
      } catch (IOException | RuntimeException e) {
        throw new VideoDecodeException(
            file + ": frame " + decoded + " cannot be decoded: " + describe(e), e);
      }
      if (p == null) {
        return Optional.empty();
      }
      int index = decoded++;
      double pts = p.getTimestamp();
      if (!Double.isFinite(pts) || pts < 0) {
        throw new VideoDecodeException(
            file + ": frame " + index + " has no valid timestamp (" + pts + ")");
      }
      if (Double.isNaN(firstPts)) {
        firstPts = pts;
      }
      // the k-th sample is the first frame at or after k / fps past the first frame
      if (pts - firstPts + 1e-9 < sampled / framesPerSecond) {
        continue;
      }
      sampled++;
      Duration at = Duration.ofNanos(Math.round(pts * 1e9));
      return Optional.of(new Frame(index, at, start.plus(at), jpeg(p.getPicture(), index)));
    }
  }

  /** Frames decoded so far, sampled or not. */
  public int decoded() {
    return decoded;
  }

  private FaceImage jpeg(Picture picture, int index) throws VideoDecodeException {
    Rect crop = picture.getCrop();
    int w = picture.getCroppedWidth();
    int h = picture.getCroppedHeight();
    if (w <= 0 || h <= 0 || (long) w * h > MAX_PIXELS) {
      throw new VideoDecodeException(
          file
              + ": frame "
              + index
              + " is "
              + w
              + "x"
              + h
              + ", outside 1.."
              + MAX_PIXELS
              + " pixels");
    }
    Picture rgb = picture;
    if (picture.getColor() != ColorSpace.RGB) {
      Transform t = ColorUtil.getTransform(picture.getColor(), ColorSpace.RGB);
      if (t == null) {
        throw new VideoDecodeException(
            file + ": frame colour space " + picture.getColor() + " is not supported");
      }
      rgb = Picture.create(picture.getWidth(), picture.getHeight(), ColorSpace.RGB);
      t.transform(picture, rgb);
    }
    // JCodec keeps 8-bit samples as signed bytes offset by -128, RGB interleaved in plane 0
    byte[] data = rgb.getPlaneData(0);
    int stride = rgb.getWidth() * 3;
    int x0 = crop == null ? 0 : crop.getX();
    int y0 = crop == null ? 0 : crop.getY();
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      int row = (y0 + y) * stride + x0 * 3;
      for (int x = 0; x < w; x++) {
        int i = row + 3 * x;
        int r = data[i] + 128;
        int g = data[i + 1] + 128;
        int b = data[i + 2] + 128;
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, "jpeg", out)) {
        throw new IllegalStateException("no JPEG writer in this JDK");
      }
    } catch (IOException e) {
      throw new VideoDecodeException(
          file + ": frame " + index + " cannot be encoded as JPEG: " + e.getMessage(), e);
    }
    return FaceImage.newBuilder()
        .setData(ByteBuffer.wrap(out.toByteArray()))
        .setEncoding(ImageEncoding.JPEG)
        .setWidth(w)
        .setHeight(h)
        .setKind(ImageKind.FRAME)
        .build();
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName()
        + (m == null || m.isBlank() ? "" : " " + m.lines().findFirst().orElse(""));
  }

  @Override
  public void close() {
    NIOUtils.closeQuietly(channel);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s at %.3g frames/s", file, framesPerSecond);
  }
}
