package io.facegate.model.face;

import io.facegate.model.preprocess.RawImage;
import java.util.List;

/**
 * What happens to decoded images before the model's resize and normalisation: nothing for models
 * that take the whole image, landmark alignment for models that expect aligned faces. One
 * definition shared by trainer, evaluate and processor (built from the model's metadata).
 */
public interface FaceStage {

  /** Models that take the whole image as it is. */
  FaceStage WHOLE_IMAGE = images -> images;

  /**
   * Prepares a batch in one go.
   *
   * @return per image, the image to pre-process, or {@code null} where no face could be found
   * @throws RuntimeException when the stage itself fails: no image of the batch has an answer
   */
  List<RawImage> prepare(List<RawImage> images);
}
