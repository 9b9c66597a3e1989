package io.facegate.trainer.pretrained;

import java.nio.file.Path;
import java.util.List;

/**
 * Where an imported model's distance threshold comes from. A pretrained network brings none that
 * suits our faces and cameras, so there is no default: either the caller gives a value calibrated
 * elsewhere and says how, or the importer calibrates on validation people the caller names.
 */
public sealed interface ThresholdSource {

  /**
   * A threshold calibrated elsewhere.
   *
   * @param threshold distance at or below which two faces are the same person (finite, &gt; 0)
   * @param operatingPoint how it was chosen, stored in the model (non-blank)
   */
  record Given(float threshold, String operatingPoint) implements ThresholdSource {

    /** Checks the values. */
    public Given {
      if (!(threshold > 0) || !Float.isFinite(threshold)) {
        throw new IllegalArgumentException("threshold must be finite and > 0, got " + threshold);
      }
      if (operatingPoint == null || operatingPoint.isBlank()) {
        throw new IllegalArgumentException(
            "say how the threshold was calibrated (operating point)");
      }
    }
  }

  /**
   * Calibrate on these folder-per-person datasets: every pair of their images, the threshold at the
   * EER or at a target false-accept rate. Use people the model will not be evaluated on.
   *
   * @param dataRoots dataset roots (at least one)
   * @param targetFar the false-accept rate to calibrate at, or null for the EER
   */
  record CalibratedOn(List<Path> dataRoots, Double targetFar) implements ThresholdSource {

    /** Checks the values and copies the list. */
    public CalibratedOn {
      dataRoots = List.copyOf(dataRoots);
      if (dataRoots.isEmpty()) {
        throw new IllegalArgumentException("name at least one dataset to calibrate on");
      }
      if (targetFar != null && !(targetFar > 0 && targetFar < 1)) {
        throw new IllegalArgumentException("target FAR must be in (0, 1), got " + targetFar);
      }
    }

    /** {@code eer} or {@code far=F}, as trained models name their operating point. */
    String operatingPoint() {
      return targetFar == null ? "eer" : "far=" + targetFar;
    }
  }
}
