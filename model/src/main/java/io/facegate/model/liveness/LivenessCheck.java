package io.facegate.model.liveness;

import io.facegate.model.preprocess.RawImage;
import java.util.Collections;
import java.util.List;

/**
 * Decides whether face crops show live people. The processor calls it on the crop it verifies and
 * puts the verdict into the decision: a face that is not live is denied; a check that throws leaves
 * every face of the batch without a verdict, which the caller must deny (fail closed).
 */
public interface LivenessCheck extends AutoCloseable {

  /** The stage switched off: every face passes, unscored. */
  LivenessCheck OFF =
      new LivenessCheck() {
        @Override
        public List<LivenessVerdict> check(List<RawImage> faces) {
          return Collections.nCopies(faces.size(), LivenessVerdict.notChecked());
        }

        @Override
        public String describe() {
          return "off";
        }

        @Override
        public void close() {}
      };

  /**
   * Scores a batch of face crops in one call.
   *
   * @return one verdict per crop, in order
   * @throws RuntimeException if the model fails; callers deny every face of the batch
   */
  List<LivenessVerdict> check(List<RawImage> faces);

  /** What the check is, for logs and decisions, e.g. {@code off} or {@code liveness >= 0.5}. */
  String describe();

  @Override
  void close();

  /** Validates a policy threshold: finite, in [0, 1]. */
  static float threshold(float value) {
    if (!(value >= 0f && value <= 1f)) {
      throw new IllegalArgumentException("liveness threshold must be in [0, 1], got " + value);
    }
    return value;
  }
}
