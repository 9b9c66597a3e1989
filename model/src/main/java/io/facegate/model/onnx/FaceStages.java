package io.facegate.model.onnx;

import io.facegate.model.face.AlignmentSpec;
import io.facegate.model.face.FaceStage;
import io.facegate.model.face.LandmarkAligner;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.preprocess.RawImage;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds the {@link FaceStage} a model's metadata asks for, loading its companion models (the
 * landmark network named in the metadata, beside the model file) on the same device.
 */
public final class FaceStages {

  private FaceStages() {}

  /** A face stage that owns the models it loaded. */
  public interface Loaded extends FaceStage, AutoCloseable {
    @Override
    void close();
  }

  /**
   * The stage for the model at {@code modelFile} described by {@code metadata}.
   *
   * @throws ModelLoadException when a companion model is missing or breaks its contract
   */
  public static Loaded open(Path modelFile, ModelMetadata metadata, DeviceSpec device,
      int intraOpThreads) {
    AlignmentSpec spec = metadata.alignment();
    if (spec == null) {
      return new Loaded() {
        @Override
        public List<RawImage> prepare(List<RawImage> images) {
          return FaceStage.WHOLE_IMAGE.prepare(images);
        }

        @Override
        public void close() {}
      };
    }
    Path dir = modelFile.toAbsolutePath().getParent();
    OnnxLandmarker landmarker = OnnxLandmarker.open(dir.resolve(spec.landmarksModel()), device,
        intraOpThreads);
    LandmarkAligner aligner = new LandmarkAligner(landmarker, spec.template(), spec.refinements(),
        spec.margin());
    return new Loaded() {
      @Override
      public List<RawImage> prepare(List<RawImage> images) {
        return aligner.prepare(images);
      }

      @Override
      public void close() {
        landmarker.close();
      }
    };
  }
}
