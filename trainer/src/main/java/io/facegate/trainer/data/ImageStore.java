package io.facegate.trainer.data;

import io.facegate.model.face.FaceAlignmentException;
import io.facegate.model.face.FaceStage;
import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.ImageRejectedException;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.model.preprocess.RawImage;
import io.facegate.model.preprocess.TrainingAugmenter;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Decodes each image once (with the same {@link ImageDecoder} the processor uses), passes it
 * through the model's {@link FaceStage} (landmark alignment, or the whole image) and turns batches
 * of images into the model's CHW input, optionally augmented. Not thread-safe.
 */
public final class ImageStore {

  private final ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
  private final Map<FaceImageRef, RawImage> cache = new HashMap<>();
  private final Preprocessor preprocessor;
  private final FaceStage stage;

  /** A store producing tensors of whole images for the given pre-processor. */
  public ImageStore(Preprocessor preprocessor) {
    this(preprocessor, FaceStage.WHOLE_IMAGE);
  }

  /** A store producing tensors of the faces {@code stage} prepares, for the given pre-processor. */
  public ImageStore(Preprocessor preprocessor, FaceStage stage) {
    this.preprocessor = preprocessor;
    this.stage = stage;
  }

  /** The pre-processor in use. */
  public Preprocessor preprocessor() {
    return preprocessor;
  }

  /** The decoded image, decoding it on first use. */
  public RawImage load(FaceImageRef ref) {
    try {
      return decode(ref);
    } catch (IOException | ImageRejectedException | FaceAlignmentException e) {
      throw new DatasetException("cannot use image " + ref.path() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The decoded image as the face stage prepares it, on first use decoded with the format its bytes
   * announce (a file may have changed since it was scanned).
   *
   * @throws ImageRejectedException when the decoder rejects it
   * @throws IOException when the file cannot be read
   * @throws FaceAlignmentException when the face stage finds no face in it
   */
  public RawImage decode(FaceImageRef ref) throws ImageRejectedException, IOException {
    RawImage img = cache.get(ref);
    if (img == null) {
      RawImage decoded = decoder.decode(Files.readAllBytes(ref.path()));
      img = stage.prepare(List.of(decoded)).get(0);
      if (img == null) {
        throw new FaceAlignmentException("no face found in " + ref.path());
      }
      cache.put(ref, img);
    }
    return img;
  }

  /**
   * The images as one CHW batch; when {@code augmenter} is non-null each image is augmented with
   * {@code random} first (training only).
   */
  public float[] batch(List<FaceImageRef> refs, TrainingAugmenter augmenter, Random random) {
    int size = preprocessor.tensorSize();
    float[] out = new float[refs.size() * size];
    for (int i = 0; i < refs.size(); i++) {
      RawImage img = load(refs.get(i));
      if (augmenter != null) {
        img = augmenter.apply(img, random);
      }
      preprocessor.toTensor(img, out, i * size);
    }
    return out;
  }
}
