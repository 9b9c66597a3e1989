package io.facegate.cli.bench;

import io.facegate.cli.publish.FaceImages;
import io.facegate.model.face.FaceFinder;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.FaceStages;
import io.facegate.model.onnx.OnnxEmbedder;
import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageFormat;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.ImageRejectedException;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.model.preprocess.RawImage;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Whole camera frames through the model's own face path in one process, the way the processor runs
 * it per micro-batch: JPEG decode, {@link FaceFinder} (the SSD detector, the chosen face's crop,
 * the model's face stage), pre-processing and embedding. No Kafka: this is the inference ceiling
 * for frames of one size, beside the crop figures of (a).
 */
public final class FrameBench {

  /**
   * One frame size.
   *
   * @param width frame width
   * @param height frame height
   * @param frames frames per repetition
   * @param facesFound frames in which a face was found (and embedded)
   * @param framesPerSecond best of three repetitions
   * @param cpuMsPerFrame process CPU per frame in that repetition
   */
  public record Result(
      int width,
      int height,
      int frames,
      int facesFound,
      double framesPerSecond,
      double cpuMsPerFrame) {}

  private FrameBench() {}

  /**
   * Each source image scaled to fit a {@code width x height} frame (aspect kept, centred on black),
   * JPEG-encoded as a camera would send it.
   */
  public static List<byte[]> frames(List<RawImage> sources, int width, int height) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("frame size must be positive: " + width + "x" + height);
    }
    List<byte[]> out = new ArrayList<>(sources.size());
    for (RawImage src : sources) {
      BufferedImage frame = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = frame.createGraphics();
      try {
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, width, height);
        g.setRenderingHint(
            RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        double scale = Math.min((double) width / src.width(), (double) height / src.height());
        int w = Math.max(1, (int) Math.round(src.width() * scale));
        int h = Math.max(1, (int) Math.round(src.height() * scale));
        g.drawImage(FaceImages.toBufferedImage(src), (width - w) / 2, (height - h) / 2, w, h, null);
      } finally {
        g.dispose();
      }
      ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
      try {
        if (!ImageIO.write(frame, "jpeg", jpeg)) {
          throw new IllegalStateException("no JPEG writer");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.add(jpeg.toByteArray());
    }
    return out;
  }

  /**
   * Decodes, finds and embeds {@code frames} in batches of {@code batchSize}: one warm-up pass,
   * then the best of three timed passes.
   */
  public static Result run(
      Path modelFile,
      DeviceSpec device,
      int intraOpThreads,
      int batchSize,
      List<byte[]> frames,
      int width,
      int height) {
    ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
    try (OnnxEmbedder embedder = OnnxEmbedder.open(modelFile, device, intraOpThreads);
        FaceStages.LoadedFinder loaded =
            FaceStages.finder(
                modelFile,
                embedder.metadata(),
                device,
                intraOpThreads,
                FaceFinder.Settings.defaults())) {
      ModelMetadata metadata = embedder.metadata();
      if (metadata.detection() == null) {
        throw new IllegalArgumentException(
            "model "
                + metadata.modelVersion()
                + " names no face detector: import it with `facegate pretrained import`,"
                + " which writes one beside the model");
      }
      Preprocessor pre = new Preprocessor(metadata.input());
      int found = pass(frames, batchSize, decoder, loaded.finder(), pre, embedder);
      double best = 0;
      double cpuMs = 0;
      for (int rep = 0; rep < 3; rep++) {
        long cpu0 = CpuClock.processNanos();
        long t0 = System.nanoTime();
        found = pass(frames, batchSize, decoder, loaded.finder(), pre, embedder);
        double fps = frames.size() / Math.max(1e-9, (System.nanoTime() - t0) / 1e9);
        if (fps > best) {
          best = fps;
          cpuMs = (CpuClock.processNanos() - cpu0) / 1e6 / frames.size();
        }
      }
      return new Result(width, height, frames.size(), found, best, cpuMs);
    }
  }

  private static int pass(
      List<byte[]> frames,
      int batchSize,
      ImageDecoder decoder,
      FaceFinder finder,
      Preprocessor pre,
      OnnxEmbedder embedder) {
    int found = 0;
    for (int start = 0; start < frames.size(); start += batchSize) {
      List<FaceFinder.Input> inputs = new ArrayList<>();
      for (byte[] jpeg : frames.subList(start, Math.min(frames.size(), start + batchSize))) {
        try {
          inputs.add(
              new FaceFinder.Input(
                  decoder.decode(jpeg, ImageFormat.JPEG, null, null), FaceFinder.Kind.FRAME));
        } catch (ImageRejectedException e) {
          throw new IllegalArgumentException("benchmark frame rejected: " + e.getMessage(), e);
        }
      }
      List<RawImage> faces = new ArrayList<>();
      for (FaceFinder.Found f : finder.find(inputs)) {
        if (f instanceof FaceFinder.Face face) {
          faces.add(face.image());
        }
      }
      if (!faces.isEmpty()) {
        int per = pre.tensorSize();
        float[] batch = new float[faces.size() * per];
        for (int i = 0; i < faces.size(); i++) {
          pre.toTensor(faces.get(i), batch, i * per);
        }
        embedder.embed(batch, faces.size());
      }
      found += faces.size();
    }
    return found;
  }
}
