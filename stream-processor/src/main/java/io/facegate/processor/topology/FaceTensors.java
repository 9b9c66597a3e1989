package io.facegate.processor.topology;

import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageFormat;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.ImageRejectedException;
import io.facegate.model.preprocess.PreprocessSpec;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.FaceImage;
import java.nio.ByteBuffer;

/**
 * Decode and pre-process with the model's own spec, using the same {@code model.preprocess} code
 * as the trainer: a camera image becomes the tensor the model was trained on, or is rejected.
 */
final class FaceTensors {
  private final ImageDecoder decoder;
  private final Preprocessor preprocessor;

  FaceTensors(ImageLimits limits, PreprocessSpec spec) {
    this.decoder = new ImageDecoder(limits);
    this.preprocessor = new Preprocessor(spec);
  }

  int tensorSize() {
    return preprocessor.tensorSize();
  }

  /** The tensor of {@code image}, in a new array of {@link #tensorSize()} floats. */
  float[] tensor(FaceImage image) throws ImageRejectedException {
    float[] t = new float[tensorSize()];
    fill(image, t, 0);
    return t;
  }

  /** Writes the tensor of {@code image} into {@code dst} at {@code offset}. */
  void fill(FaceImage image, float[] dst, int offset) throws ImageRejectedException {
    if (image == null || image.getData() == null || image.getEncoding() == null) {
      throw new ImageRejectedException(ImageRejectedException.Kind.CORRUPT, "no image");
    }
    ByteBuffer buf = image.getData().duplicate();
    byte[] data = new byte[buf.remaining()];
    buf.get(data);
    ImageFormat format = switch (image.getEncoding()) {
      case PGM -> ImageFormat.PGM;
      case PNG -> ImageFormat.PNG;
      case JPEG -> ImageFormat.JPEG;
      case RAW_GRAY8 -> ImageFormat.RAW_GRAY8;
      case RAW_RGB8 -> ImageFormat.RAW_RGB8;
      default -> throw new ImageRejectedException(ImageRejectedException.Kind.UNSUPPORTED_FORMAT,
          "encoding " + image.getEncoding());
    };
    preprocessor.toTensor(decoder.decode(data, format, image.getWidth(), image.getHeight()), dst,
        offset);
  }

  /**
   * Resource limits (bytes, pixels, decode work) are IMAGE_TOO_LARGE, everything else BAD_IMAGE;
   * the decision's detail starts with the precise kind (e.g. {@code DECODE_BUDGET:}).
   */
  static DecisionReason reasonFor(ImageRejectedException e) {
    return switch (e.kind()) {
      case TOO_LARGE, DECODE_BUDGET -> DecisionReason.IMAGE_TOO_LARGE;
      case CORRUPT, TOO_SMALL, UNSUPPORTED_FORMAT, WRONG_SIZE -> DecisionReason.BAD_IMAGE;
    };
  }
}
