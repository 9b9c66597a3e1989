package io.facegate.trainer.evaluation;

import io.facegate.model.onnx.OnnxLivenessCheck;
import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageFormat;
import io.facegate.model.preprocess.ImageRejectedException;
import io.facegate.model.preprocess.RawImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The live-face false-reject rate of a liveness model: every image of a dataset of real faces is
 * scored whole (the datasets are face crops) and, for each policy threshold, the share scored below
 * it is the rate at which the door would turn a live person away. It says nothing about spoof
 * rejection: that needs spoof images (prints, screens, masks), which the datasets do not have.
 */
public final class LivenessSurvey {

  private static final int BATCH = 32;

  /**
   * A dataset's scores.
   *
   * @param scores one live score per decoded image
   * @param rejected images the decoder refused
   */
  public record Summary(String dataset, float[] scores, int rejected) {

    /**
     * Share of scored images below {@code threshold} (a NaN score counts as rejected), compared in
     * float as the runtime check compares them.
     */
    public double falseRejectRate(double threshold) {
      float t = (float) threshold;
      long below = 0;
      for (float s : scores) {
        if (!(s >= t)) {
          below++;
        }
      }
      return scores.length == 0 ? Double.NaN : (double) below / scores.length;
    }

    /** The score at quantile {@code q} in [0, 1] (nearest rank); NaN without scores. */
    public double quantile(double q) {
      if (scores.length == 0) {
        return Double.NaN;
      }
      float[] sorted = scores.clone();
      Arrays.sort(sorted);
      int i = (int) Math.ceil(q * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** A few lines: count, score quantiles, and the false-reject rate at each threshold. */
    public String report(double[] thresholds) {
      StringBuilder out = new StringBuilder();
      out.append(
          String.format(
              Locale.ROOT,
              "%s: %d images scored, %d rejected by the decoder%n",
              dataset,
              scores.length,
              rejected));
      out.append(
          String.format(
              Locale.ROOT,
              "  live score: min %.3f, 1%% %.3f, 5%% %.3f, 10%% %.3f, median %.3f%n",
              quantile(0),
              quantile(0.01),
              quantile(0.05),
              quantile(0.10),
              quantile(0.5)));
      for (double t : thresholds) {
        double frr = falseRejectRate(t);
        out.append(
            String.format(
                Locale.ROOT,
                "  threshold %.2f: live faces rejected %d of %d (FRR %.4f)%n",
                t,
                Math.round(frr * scores.length),
                scores.length,
                frr));
      }
      return out.toString();
    }
  }

  private LivenessSurvey() {}

  /** Scores every file, {@value #BATCH} at a time. */
  public static Summary run(
      String dataset, List<Path> files, ImageDecoder decoder, OnnxLivenessCheck check)
      throws IOException {
    List<Float> scores = new ArrayList<>(files.size());
    int rejected = 0;
    List<RawImage> batch = new ArrayList<>(BATCH);
    for (Path file : files) {
      String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
      ImageFormat format = n.endsWith(".pgm") ? ImageFormat.PGM : ImageFormat.JPEG;
      try {
        batch.add(decoder.decode(Files.readAllBytes(file), format, null, null));
      } catch (ImageRejectedException e) {
        rejected++;
      }
      if (batch.size() == BATCH) {
        score(check, batch, scores);
      }
    }
    score(check, batch, scores);
    float[] out = new float[scores.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = scores.get(i);
    }
    return new Summary(dataset, out, rejected);
  }

  private static void score(OnnxLivenessCheck check, List<RawImage> batch, List<Float> into) {
    for (float s : check.scores(batch)) {
      into.add(s);
    }
    batch.clear();
  }
}
