package io.facegate.processor.topology;

import io.facegate.model.face.FaceFinder;
import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageFormat;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.ImageRejectedException;
import io.facegate.model.preprocess.PreprocessSpec;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.model.preprocess.RawImage;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.ImageKind;
import java.nio.ByteBuffer;

/**
 * Decode, find the face and pre-process with the model's own definitions, the same {@code
 * model.preprocess} and {@code model.face} code as the trainer: a camera image becomes the tensor
 * the model was trained on, or is rejected with a reason. Decoding is per image; finding faces
 * ({@link FaceFinder}) is per batch.
 */
final class FaceTensors {
  private final ImageDecoder decoder;
  private final Preprocessor preprocessor;
  private final FaceFinder finder;

  FaceTensors(ImageLimits limits, PreprocessSpec spec, FaceFinder finder) {
    this.decoder = new ImageDecoder(limits);
    this.preprocessor = new Preprocessor(spec);
    this.finder = finder;
  }

  int tensorSize() {
    return preprocessor.tensorSize();
  }

  Preprocessor preprocessor() {
    return preprocessor;
  }

  FaceFinder finder() {
    return finder;
  }

  /** Whether {@code image} is a crop or a whole frame (old writers: a crop). */
  static FaceFinder.Kind kind(FaceImage image) {
    return image.getKind() == ImageKind.FRAME ? FaceFinder.Kind.FRAME : FaceFinder.Kind.CROP;
  }

  /**
   * The decoded pixels of {@code image}; its size is checked against the limits before any pixel is
   * decoded, so an oversized frame is rejected in bounded time.
   */
  RawImage decode(FaceImage image) throws ImageRejectedException {
    if (image == null || image.getData() == null || image.getEncoding() == null) {
      throw new ImageRejectedException(ImageRejectedException.Kind.CORRUPT, "no image");
    }
    ByteBuffer buf = image.getData().duplicate();
    byte[] data = new byte[buf.remaining()];
    buf.get(data);
    ImageFormat format =
        switch (image.getEncoding()) {
          case PGM -> ImageFormat.PGM;
          case PNG -> ImageFormat.PNG;
          case JPEG -> ImageFormat.JPEG;
          case RAW_GRAY8 -> ImageFormat.RAW_GRAY8;
          case RAW_RGB8 -> ImageFormat.RAW_RGB8;
          default ->
              throw new ImageRejectedException(
                  ImageRejectedException.Kind.UNSUPPORTED_FORMAT,
                  "encoding " + image.getEncoding());
        };
    return decoder.decode(data, format, image.getWidth(), image.getHeight());
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

  /** The decision reason for a frame without a usable face; a frame nobody can search is bad. */
  static DecisionReason reasonFor(FaceFinder.Rejection r) {
    return switch (r) {
      case NO_FACE -> DecisionReason.NO_FACE;
      case FACE_TOO_SMALL -> DecisionReason.FACE_TOO_SMALL;
      case LOW_DETECTION_SCORE -> DecisionReason.LOW_DETECTION_SCORE;
      case MULTIPLE_FACES -> DecisionReason.MULTIPLE_FACES;
      case NO_DETECTOR -> DecisionReason.BAD_IMAGE;
    };
  }
}
