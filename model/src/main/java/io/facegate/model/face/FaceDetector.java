package io.facegate.model.face;

import io.facegate.model.preprocess.RawImage;
import java.util.List;

/**
 * Finds the faces in decoded images. Implementations are thread-safe and bounded: one call runs one
 * fixed-size network pass per image, whatever the image shows.
 */
public interface FaceDetector {

  /**
   * Detects faces in each image of a batch, in one network run.
   *
   * @param images decoded images, grey or RGB, any size the decoder accepted
   * @return per image, its faces in source pixels, best score first; an empty list when none
   *     reaches the configured minimum score
   * @throws RuntimeException when the network fails ({@code InferenceException}) or returns a
   *     non-finite value ({@link FaceDetectionException}); the caller must treat every image of the
   *     batch as undecided (deny)
   */
  List<List<FaceBox>> detect(List<RawImage> images);

  /** Detects faces in one image; see {@link #detect(List)}. */
  default List<FaceBox> detect(RawImage image) {
    return detect(List.of(image)).get(0);
  }
}
