package io.facegate.trainer.data;

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
 * Decodes each image once (with the same {@link ImageDecoder} the processor uses) and turns
 * batches of images into the model's CHW input, optionally augmented. Not thread-safe.
 */
public final class ImageStore {

  private final ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
  private final Map<FaceImageRef, RawImage> cache = new HashMap<>();
  private final Preprocessor preprocessor;

  /** A store producing tensors for the given pre-processor. */
  public ImageStore(Preprocessor preprocessor) {
    this.preprocessor = preprocessor;
  }

  /** The pre-processor in use. */
  public Preprocessor preprocessor() {
    return preprocessor;
  }

  /** The decoded image, decoding it on first use. */
  public RawImage load(FaceImageRef ref) {
    try {
      return decode(ref);
    } catch (IOException | ImageRejectedException e) {
      throw new DatasetException("cannot use image " + ref.path() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The decoded image, decoding it on first use with the format its bytes announce (a file may
   * have changed since it was scanned).
   *
   * @throws ImageRejectedException when the decoder rejects it
   * @throws IOException when the file cannot be read
   */
  public RawImage decode(FaceImageRef ref) throws ImageRejectedException, IOException {
    RawImage img = cache.get(ref);
    if (img == null) {
      img = decoder.decode(Files.readAllBytes(ref.path()));
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
