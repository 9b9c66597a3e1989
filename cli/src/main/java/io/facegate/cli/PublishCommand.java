package io.facegate.cli;

import io.facegate.cli.publish.FaceImages;
import io.facegate.cli.publish.FramePublisher;
import io.facegate.cli.publish.VideoDecodeException;
import io.facegate.cli.publish.VideoFrames;
import io.facegate.schemas.FaceEvent;
import io.facegate.trainer.data.FaceImageRef;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code facegate publish}: a folder of face images, or the frames of a video file sampled at a
 * fixed rate, as camera events, at a steady rate.
 */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = {
      "Publish a folder of face images (folder-per-identity or flat), or the frames of a video file",
      "(MP4/H.264, sampled at --fps), as FaceEvents to camera-frames, at a steady rate, with a progress line",
      "(sent, rate, errors)."
    })
public final class PublishCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Mixin private ClusterOptions cluster;

  @ArgGroup(exclusive = true, multiplicity = "1")
  private Source source;

  static final class Source {
    @Option(
        names = "--data",
        required = true,
        paramLabel = "DIR",
        description = "Folder of PGM/PNG/JPEG faces.")
    Path data;

    @Option(
        names = "--video",
        required = true,
        paramLabel = "FILE",
        description =
            "Video file (MP4/QuickTime, H.264; decoded in pure Java by JCodec): its frames, sampled "
                + "at --fps, sent as JPEG with capture time = --video-start + the frame's timestamp.")
    Path video;
  }

  @Option(
      names = "--fps",
      defaultValue = "2",
      paramLabel = "FRAMES_PER_S",
      description = "With --video: frames sampled per second of video (default: ${DEFAULT-VALUE}).")
  private double fps;

  @Option(
      names = "--video-start",
      paramLabel = "INSTANT",
      description =
          "With --video: capture time of the video's start, ISO-8601 (e.g. 2026-12-02T10:15:30Z); "
              + "default: now.")
  private Instant videoStart;

  @Option(
      names = "--camera",
      defaultValue = "camera-1",
      paramLabel = "ID",
      description = "Camera id (default: ${DEFAULT-VALUE}).")
  private String camera;

  @Option(
      names = "--door",
      defaultValue = "door-1",
      paramLabel = "ID",
      description = "Door id, also the record key (default: ${DEFAULT-VALUE}).")
  private String door;

  @Option(
      names = "--rate",
      defaultValue = "10",
      paramLabel = "EVENTS_PER_S",
      description = "Events per second; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
  private double rate;

  @Option(names = "--loop", description = "Start over at the end of the folder, until Ctrl-C.")
  private boolean loop;

  @Option(
      names = "--claimed-identity-from-folder",
      description =
          "Claim the folder's identity (as a badge would): 1:1 verification instead of 1:N.")
  private boolean claimFromFolder;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (source.video != null) {
      return publishVideo();
    }
    if (videoStart != null) {
      throw new CommandFailedException("--video-start goes with --video");
    }
    Path data = source.data;
    List<FaceImageRef> images;
    try {
      images = FaceImages.scan(data);
    } catch (IllegalArgumentException e) {
      throw new CommandFailedException(e.getMessage());
    }
    if (claimFromFolder && images.get(0).identity() == null) {
      throw new CommandFailedException(
          "--claimed-identity-from-folder needs a folder-per-identity dataset; "
              + data
              + " is flat");
    }
    PrintWriter err = spec.commandLine().getErr();
    try (FacegateClients clients = FacegateClients.connect(cluster.settings(), List.of());
        KafkaProducer<String, FaceEvent> producer =
            clients.producer(clients.topics().cameraFrames())) {
      FramePublisher publisher =
          new FramePublisher(
              producer, clients.topics().cameraFrames().name(), camera, door, rate, err);
      do {
        for (FaceImageRef image : images) {
          publisher.publish(image, claimFromFolder ? image.identity() : null, event -> {});
        }
      } while (loop);
      publisher.finish();
      return publisher.errors() == 0 ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
    }
  }

  private int publishVideo() throws InterruptedException {
    if (!(fps > 0) || Double.isInfinite(fps)) {
      throw new CommandFailedException("--fps must be > 0, got " + fps);
    }
    if (claimFromFolder) {
      throw new CommandFailedException("--claimed-identity-from-folder needs --data, not --video");
    }
    Instant start = videoStart != null ? videoStart : Instant.now();
    PrintWriter err = spec.commandLine().getErr();
    // opened (and its first frame checked) before connecting, so a bad file fails fast
    try (VideoFrames probe = VideoFrames.open(source.video, fps, start)) {
      if (probe.next().isEmpty()) {
        throw new CommandFailedException(source.video + ": the video has no frames");
      }
    } catch (VideoDecodeException e) {
      throw new CommandFailedException(e.getMessage(), e);
    }
    try (FacegateClients clients = FacegateClients.connect(cluster.settings(), List.of());
        KafkaProducer<String, FaceEvent> producer =
            clients.producer(clients.topics().cameraFrames())) {
      FramePublisher publisher =
          new FramePublisher(
              producer, clients.topics().cameraFrames().name(), camera, door, rate, err);
      do {
        try (VideoFrames frames = VideoFrames.open(source.video, fps, start)) {
          for (Optional<VideoFrames.Frame> f = frames.next(); f.isPresent(); f = frames.next()) {
            publisher.publish(f.get(), null);
          }
        } catch (VideoDecodeException e) {
          publisher.finish();
          throw new CommandFailedException(
              e.getMessage() + " (after " + publisher.sent() + " frames sent)", e);
        }
      } while (loop);
      publisher.finish();
      return publisher.errors() == 0 ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
    }
  }
}
