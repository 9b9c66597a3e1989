package io.facegate.trainer.evaluation;

import io.facegate.model.face.FaceBox;
import io.facegate.model.face.FaceDetector;
import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageFormat;
import io.facegate.model.preprocess.ImageRejectedException;
import io.facegate.model.preprocess.RawImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * How often a face detector finds a face in a dataset and what it costs: each image is decoded and
 * detected alone (batch of one, as an event would be), and the calling thread's CPU time and the
 * wall time of the detection are recorded. With one intra-op thread ONNX Runtime computes on the
 * calling thread, so thread CPU time is the cost of the network plus pre- and post-processing.
 */
public final class DetectionSurvey {

  /**
   * One image's outcome.
   *
   * @param width the decoded image's width, before any survey border
   * @param height its height
   * @param faces the detections, in the decoded image's pixels (a box may reach into the border)
   */
  public record ImageResult(
      Path file,
      int width,
      int height,
      List<FaceBox> faces,
      long decodeCpuNanos,
      long detectCpuNanos,
      long detectWallNanos,
      String rejected) {

    /** Faces scored strictly above {@code minScore}. */
    public long facesAbove(double minScore) {
      return faces.stream().filter(f -> f.score() > minScore).count();
    }

    /** Best score, 0 without a face. */
    public double bestScore() {
      return faces.stream().mapToDouble(FaceBox::score).max().orElse(0);
    }

    /**
     * For a square crop: the margin {@code m} with which {@code FaceFinder} would cut this image
     * out of its source around the best box, {@code (side / max(w, h) - 1) / 2}; NaN without a face
     * above {@code minScore} or for a non-square image.
     */
    public double cropMargin(double minScore) {
      FaceBox best =
          faces.stream()
              .filter(f -> f.score() > minScore)
              .max(Comparator.comparingDouble(FaceBox::score))
              .orElse(null);
      if (best == null || width != height || rejected != null) {
        return Double.NaN;
      }
      return (width / Math.max(best.width(), best.height()) - 1) / 2;
    }
  }

  /** A dataset's outcome. */
  public record Summary(String dataset, List<ImageResult> images) {

    /** Images the decoder rejected. */
    public List<ImageResult> rejected() {
      return images.stream().filter(r -> r.rejected() != null).toList();
    }

    /** Decoded images without a face strictly above {@code minScore}. */
    public List<ImageResult> missed(double minScore) {
      return images.stream()
          .filter(r -> r.rejected() == null && r.facesAbove(minScore) == 0)
          .toList();
    }

    /** Decoded images with at least one face strictly above {@code minScore}. */
    public long found(double minScore) {
      return images.stream()
          .filter(r -> r.rejected() == null && r.facesAbove(minScore) > 0)
          .count();
    }

    /**
     * The crop margins ({@link ImageResult#cropMargin}) of the square images with a face above
     * {@code minScore}, sorted.
     */
    public double[] cropMargins(double minScore) {
      return images.stream()
          .mapToDouble(r -> r.cropMargin(minScore))
          .filter(m -> !Double.isNaN(m))
          .sorted()
          .toArray();
    }

    /**
     * Human-readable figures: counts at each threshold, CPU time per image, the crop margin of
     * square images (datasets of crops), the misses.
     */
    public String report(double... thresholds) {
      StringBuilder out = new StringBuilder();
      long decoded = images.size() - rejected().size();
      out.append(
          String.format(
              Locale.ROOT, "%s: %d images, %d decoded%n", dataset, images.size(), decoded));
      for (double t : thresholds) {
        out.append(
            String.format(
                Locale.ROOT,
                "  >= 1 face above %.2f: %d of %d (%.1f%%)%n",
                t,
                found(t),
                decoded,
                100.0 * found(t) / Math.max(1, decoded)));
      }
      double[] cpu =
          images.stream()
              .filter(r -> r.rejected() == null)
              .mapToDouble(r -> r.detectCpuNanos() / 1e6)
              .sorted()
              .toArray();
      double[] wall =
          images.stream()
              .filter(r -> r.rejected() == null)
              .mapToDouble(r -> r.detectWallNanos() / 1e6)
              .sorted()
              .toArray();
      double[] dec =
          images.stream()
              .filter(r -> r.rejected() == null)
              .mapToDouble(r -> r.decodeCpuNanos() / 1e6)
              .sorted()
              .toArray();
      out.append(
          String.format(
              Locale.ROOT,
              "  detect CPU ms/image: mean %.1f, median %.1f, p95 %.1f, max %.1f (wall mean %.1f);"
                  + " decode CPU ms/image: mean %.1f, max %.1f%n",
              mean(cpu),
              pct(cpu, 50),
              pct(cpu, 95),
              pct(cpu, 100),
              mean(wall),
              mean(dec),
              pct(dec, 100)));
      double[] margins = cropMargins(Arrays.stream(thresholds).max().orElse(0.5));
      if (margins.length > 0) {
        out.append(
            String.format(
                Locale.ROOT,
                "  square crops, margin around the best box (side / max(w, h) - 1) / 2: %d crops,"
                    + " p5 %.3f, p25 %.3f, median %.3f, p75 %.3f, p95 %.3f%n",
                margins.length,
                pct(margins, 5),
                pct(margins, 25),
                pct(margins, 50),
                pct(margins, 75),
                pct(margins, 95)));
      }
      for (ImageResult r : rejected()) {
        out.append("  rejected ")
            .append(r.file())
            .append(": ")
            .append(r.rejected())
            .append(System.lineSeparator());
      }
      for (double t : thresholds) {
        List<ImageResult> missed = missed(t);
        // when most images fail, the few that pass say more
        boolean listHits = missed.size() > decoded / 2;
        List<ImageResult> listed =
            listHits
                ? images.stream().filter(r -> r.rejected() == null && r.facesAbove(t) > 0).toList()
                : missed;
        out.append(
            String.format(
                Locale.ROOT,
                "  %s above %.2f (%d), best score in brackets:",
                listHits ? "face" : "no face",
                t,
                listed.size()));
        for (ImageResult r : listed) {
          out.append(String.format(Locale.ROOT, " %s(%.2f)", r.file(), r.bestScore()));
        }
        out.append(System.lineSeparator());
      }
      return out.toString();
    }
  }

  private DetectionSurvey() {}

  /** Every {@code .pgm}, {@code .jpg} and {@code .jpeg} below {@code root}, sorted by path. */
  public static List<Path> images(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).filter(p -> format(p) != null).sorted().toList();
    }
  }

  /**
   * Detects faces in each file, one at a time.
   *
   * @param root the files are reported relative to this folder
   * @param margin black border added on every side before detection, as a fraction of the image's
   *     width (left, right) and height (top, bottom); 0 for none. Tight crops such as ORL need one:
   *     the SSD expects context around a face
   */
  public static Summary run(
      String dataset,
      Path root,
      List<Path> files,
      ImageDecoder decoder,
      FaceDetector detector,
      double margin)
      throws IOException {
    if (!(margin >= 0 && margin <= 4)) {
      throw new IllegalArgumentException("margin must be in [0, 4], got " + margin);
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    List<ImageResult> results = new ArrayList<>(files.size());
    for (Path file : files) {
      Path name = root.relativize(file);
      byte[] bytes = Files.readAllBytes(file);
      long c0 = mx.getCurrentThreadCpuTime();
      RawImage decoded;
      try {
        decoded = decoder.decode(bytes, format(file), null, null);
      } catch (ImageRejectedException e) {
        results.add(new ImageResult(name, 0, 0, List.of(), 0, 0, 0, e.getMessage()));
        continue;
      }
      RawImage img = withMargin(decoded, margin);
      long c1 = mx.getCurrentThreadCpuTime();
      long w1 = System.nanoTime();
      List<FaceBox> faces = detector.detect(img);
      long w2 = System.nanoTime();
      long c2 = mx.getCurrentThreadCpuTime();
      int dx = (img.width() - decoded.width()) / 2;
      int dy = (img.height() - decoded.height()) / 2;
      List<FaceBox> inSource =
          faces.stream()
              .map(f -> new FaceBox(f.x() - dx, f.y() - dy, f.width(), f.height(), f.score()))
              .toList();
      results.add(
          new ImageResult(
              name, decoded.width(), decoded.height(), inSource, c1 - c0, c2 - c1, w2 - w1, null));
    }
    return new Summary(dataset, results);
  }

  /** {@code img} centred in a black canvas {@code margin} of its size larger on every side. */
  static RawImage withMargin(RawImage img, double margin) {
    if (margin == 0) {
      return img;
    }
    int mx = (int) Math.round(img.width() * margin);
    int my = (int) Math.round(img.height() * margin);
    int w = img.width() + 2 * mx;
    int h = img.height() + 2 * my;
    int c = img.channels();
    byte[] px = new byte[w * h * c];
    for (int y = 0; y < img.height(); y++) {
      System.arraycopy(
          img.pixels(), y * img.width() * c, px, ((y + my) * w + mx) * c, img.width() * c);
    }
    return new RawImage(w, h, c, px);
  }

  private static ImageFormat format(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".pgm")) {
      return ImageFormat.PGM;
    }
    if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
      return ImageFormat.JPEG;
    }
    return null;
  }

  private static double mean(double[] sorted) {
    return Arrays.stream(sorted).average().orElse(Double.NaN);
  }

  private static double pct(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
