package io.facegate.model.face;

import io.facegate.model.preprocess.RawImage;
import java.util.List;

/** Finds the 68 facial landmarks of the face that fills each crop. */
public interface Landmarker {

  /**
   * Locates the landmarks of a batch of face crops in one call.
   *
   * @return for each crop, 136 interleaved coordinates {@code x0, y0, ...} in that crop's pixels
   * @throws RuntimeException if the model fails; callers treat every crop of the batch as failed
   */
  float[][] locate(List<RawImage> crops);
}
