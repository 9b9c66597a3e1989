package io.facegate.cli.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.schemas.ImageEncoding;
import io.facegate.schemas.ImageKind;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.jcodec.api.SequenceEncoder;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rational;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Video frames from a tiny H.264 MP4 that the test encodes with JCodec: 20 frames at 10 frames/s,
 * frame k a flat grey of level {@code 10 k + 20}, so each sampled frame says which one it is.
 */
@Timeout(60)
class VideoFramesTest {

  private static final Instant START = Instant.parse("2026-12-02T10:00:00Z");

  @TempDir Path dir;

  /** Writes {@code frames} frames of {@code w x h} at {@code fps} and returns the file. */
  static Path tinyVideo(Path file, int frames, int fps, int w, int h) throws IOException {
    try (FileChannelWrapper ch = NIOUtils.writableChannel(file.toFile())) {
      SequenceEncoder enc = SequenceEncoder.createWithFps(ch, Rational.R(fps, 1));
      for (int k = 0; k < frames; k++) {
        Picture p = Picture.create(w, h, ColorSpace.RGB);
        // JCodec's 8-bit samples are signed bytes offset by -128
        Arrays.fill(p.getPlaneData(0), (byte) (level(k) - 128));
        enc.encodeNativeFrame(p);
      }
      enc.finish();
    }
    return file;
  }

  static int level(int k) {
    return 10 * k + 20;
  }

  private static List<VideoFrames.Frame> all(Path file, double fps) throws VideoDecodeException {
    List<VideoFrames.Frame> out = new ArrayList<>();
    try (VideoFrames frames = VideoFrames.open(file, fps, START)) {
      for (Optional<VideoFrames.Frame> f = frames.next(); f.isPresent(); f = frames.next()) {
        out.add(f.get());
      }
      assertEquals(20, frames.decoded());
    }
    return out;
  }

  private static BufferedImage decode(VideoFrames.Frame f) throws IOException {
    byte[] bytes = new byte[f.image().getData().remaining()];
    f.image().getData().duplicate().get(bytes);
    return ImageIO.read(new ByteArrayInputStream(bytes));
  }

  @Test
  void samplesAtTheRequestedRateWithCaptureTimeFromTimestamps() throws Exception {
    Path video = tinyVideo(dir.resolve("tiny.mp4"), 20, 10, 64, 48);

    List<VideoFrames.Frame> frames = all(video, 2);

    // 2 s of video at 2 frames/s: the frames at 0, 0.5, 1.0 and 1.5 s
    assertEquals(List.of(0, 5, 10, 15), frames.stream().map(VideoFrames.Frame::index).toList());
    int previous = -100;
    for (VideoFrames.Frame f : frames) {
      assertEquals(Duration.ofMillis(100L * f.index()), f.pts());
      assertEquals(START.plusMillis(100L * f.index()), f.captureTime());
      assertEquals(ImageEncoding.JPEG, f.image().getEncoding());
      assertEquals(64, f.image().getWidth());
      assertEquals(48, f.image().getHeight());
      BufferedImage img = decode(f);
      assertEquals(64, img.getWidth());
      assertEquals(48, img.getHeight());
      int green = (img.getRGB(32, 24) >> 8) & 0xff;
      // JCodec's encoder writes full-range luma without saying so; the decoder reads H.264's
      // default,
      // limited range (16..235), as it must for camera streams: grey g comes back as (g - 16) * 255
      // / 219.
      // JCodec's encoder is lossy enough to move a flat grey by up to about 10 levels.
      assertEquals((level(f.index()) - 16) * 255.0 / 219, green, 12, "frame " + f.index());
      // sampled frames are 5 apart (about 58 levels): each is brighter than the one before
      assertTrue(
          green > previous + 30, "frame " + f.index() + " is a later frame than the last sampled");
      previous = green;
      assertEquals(
          ImageKind.FRAME, f.image().getKind(), "a whole frame, for the processor to search");
      assertEquals(Integer.toString(f.index()), f.attributes().get("video.frame"));
      assertEquals(Long.toString(100L * f.index()), f.attributes().get("video.pts_ms"));
    }
  }

  @Test
  void aRateAboveTheVideosKeepsEveryFrameOnceAndOtherRatesTakeTheNextFrame() throws Exception {
    Path video = tinyVideo(dir.resolve("tiny.mp4"), 20, 10, 32, 32);

    assertEquals(20, all(video, 25).size());
    // 3 frames/s on a 10 frames/s video: the first frame at or after 0, 1/3, 2/3, 1, 4/3 and 5/3 s
    assertEquals(
        List.of(0, 4, 7, 10, 14, 17),
        all(video, 3).stream().map(VideoFrames.Frame::index).toList());
  }

  @Test
  void corruptOrTruncatedVideoIsAClearError() throws Exception {
    Path junk =
        Files.write(dir.resolve("junk.mp4"), "this is not a video at all".repeat(50).getBytes());
    VideoDecodeException e = assertThrows(VideoDecodeException.class, () -> all(junk, 2));
    assertTrue(e.getMessage().startsWith(junk + ": "), e.getMessage());

    Path video = tinyVideo(dir.resolve("tiny.mp4"), 20, 10, 32, 32);
    byte[] whole = Files.readAllBytes(video);
    Path truncated =
        Files.write(dir.resolve("truncated.mp4"), Arrays.copyOf(whole, whole.length / 2));
    VideoDecodeException t = assertThrows(VideoDecodeException.class, () -> all(truncated, 2));
    assertTrue(t.getMessage().startsWith(truncated + ": "), t.getMessage());

    Path missing = dir.resolve("missing.mp4");
    assertTrue(
        assertThrows(VideoDecodeException.class, () -> VideoFrames.open(missing, 2, START))
            .getMessage()
            .contains("no such video file"));
    assertThrows(IllegalArgumentException.class, () -> VideoFrames.open(video, 0, START));
  }
}
