package io.facegate.trainer.pretrained;

import io.facegate.model.face.FaceFinder;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.FaceStages;
import io.facegate.model.onnx.OnnxEmbedder;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.trainer.data.FaceDataset;
import io.facegate.trainer.data.FaceImageRef;
import io.facegate.trainer.data.ImageStore;
import io.facegate.trainer.evaluation.PairDistances;
import io.facegate.trainer.evaluation.VerificationMetrics;
import io.facegate.trainer.pipeline.Embeddings;
import io.facegate.trainer.training.SiameseTrainer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Calibrates an imported model's threshold on folder-per-person data: the model (opened through the
 * processor's contract-checked {@link OnnxEmbedder}, behind its own face stage, as {@code evaluate}
 * runs it) embeds every usable image, every pair is scored, and the threshold is the EER's or the
 * one at a target FAR, exactly as the trainer calibrates on its validation people ({@link
 * VerificationMetrics}).
 */
final class ThresholdCalibration {

  private ThresholdCalibration() {}

  /** The calibrated threshold and what it was calibrated on, as provenance entries. */
  record Result(double threshold, Map<String, String> provenance) {}

  static Result run(Path modelFile, List<Path> dataRoots, Double targetFar, PrintStream out) {
    FaceDataset scanned = FaceDataset.scan(dataRoots);
    try (OnnxEmbedder embedder = OnnxEmbedder.open(modelFile, DeviceSpec.cpu(), 0);
        FaceStages.LoadedFinder finder =
            FaceStages.finder(
                modelFile,
                embedder.metadata(),
                DeviceSpec.cpu(),
                0,
                FaceFinder.Settings.defaults())) {
      // the model's own face stage (alignment, if it has one), as evaluate and the processor use it
      ImageStore store =
          new ImageStore(
              new Preprocessor(embedder.metadata().input()),
              finder.finder().asStage(FaceFinder.Kind.CROP));
      FaceDataset data = scanned.usable(store, false);
      List<FaceImageRef> images = data.images(data.identities());
      float[][] embeddings = Embeddings.of(images, store, embedder::embed);
      PairDistances pairs = PairDistances.allPairs(embeddings, SiameseTrainer.labels(images));
      double[] eer = VerificationMetrics.equalErrorRate(pairs);
      double threshold =
          targetFar == null ? eer[1] : VerificationMetrics.thresholdAtFar(pairs, targetFar);
      if (!(threshold > 0) || !Double.isFinite(threshold)) {
        throw new IllegalStateException(
            "calibration gave threshold " + threshold + "; the data cannot calibrate it");
      }
      Map<String, String> provenance = new TreeMap<>();
      provenance.put("calibration.datasets", String.join(",", data.datasets()));
      provenance.put("calibration.data_fingerprint", data.fingerprint());
      provenance.put("calibration.identities", Integer.toString(data.identities().size()));
      provenance.put("calibration.images", Integer.toString(images.size()));
      provenance.put("calibration.images_left_out", Integer.toString(data.unusable().size()));
      provenance.put("calibration.eer", Double.toString(eer[0]));
      out.printf(
          "calibrated on %s (%d people, %d images, %d genuine / %d impostor pairs): EER %.4f, threshold %.4f (%s)%n",
          data.datasets(),
          data.identities().size(),
          images.size(),
          pairs.genuine().length,
          pairs.impostor().length,
          eer[0],
          threshold,
          targetFar == null ? "eer" : "far=" + targetFar);
      return new Result(threshold, provenance);
    }
  }
}
