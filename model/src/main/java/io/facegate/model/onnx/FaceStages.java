package io.facegate.model.onnx;

import io.facegate.model.face.AlignmentSpec;
import io.facegate.model.face.DetectionSpec;
import io.facegate.model.face.FaceDetectorOptions;
import io.facegate.model.face.FaceFinder;
import io.facegate.model.face.FaceStage;
import io.facegate.model.face.LandmarkAligner;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.preprocess.RawImage;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds the {@link FaceStage} and the {@link FaceFinder} a model's metadata asks for, loading its
 * companion models (the landmark network and the face detector named in the metadata, beside the
 * model file) on the same device.
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
  public static Loaded open(
      Path modelFile, ModelMetadata metadata, DeviceSpec device, int intraOpThreads) {
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
    OnnxLandmarker landmarker =
        OnnxLandmarker.open(dir.resolve(spec.landmarksModel()), device, intraOpThreads);
    LandmarkAligner aligner =
        new LandmarkAligner(landmarker, spec.template(), spec.refinements(), spec.margin());
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

  /** A face finder that owns the models it loaded. */
  public static final class LoadedFinder implements AutoCloseable {
    private final FaceFinder finder;
    private final Loaded stage;
    private final OnnxFaceDetector detector;

    private LoadedFinder(FaceFinder finder, Loaded stage, OnnxFaceDetector detector) {
      this.finder = finder;
      this.stage = stage;
      this.detector = detector;
    }

    /** The finder; valid until {@link #close()}. */
    public FaceFinder finder() {
      return finder;
    }

    @Override
    public void close() {
      stage.close();
      if (detector != null) {
        detector.close();
      }
    }
  }

  /**
   * The face finder for the model at {@code modelFile}: its face stage, and when the metadata has a
   * {@link DetectionSpec}, its detector (reporting boxes down to {@link FaceFinder#DETECTOR_FLOOR})
   * on the same device. Without one, frames are rejected.
   *
   * @throws ModelLoadException when a companion model is missing or breaks its contract
   */
  public static LoadedFinder finder(
      Path modelFile,
      ModelMetadata metadata,
      DeviceSpec device,
      int intraOpThreads,
      FaceFinder.Settings settings) {
    Loaded stage = open(modelFile, metadata, device, intraOpThreads);
    DetectionSpec spec = metadata.detection();
    if (spec == null) {
      return new LoadedFinder(new FaceFinder(null, null, stage, settings), stage, null);
    }
    try {
      OnnxFaceDetector detector =
          OnnxFaceDetector.open(
              modelFile.toAbsolutePath().getParent().resolve(spec.detectorModel()),
              device,
              intraOpThreads,
              new FaceDetectorOptions(
                  FaceFinder.DETECTOR_FLOOR, FaceDetectorOptions.DEFAULT_MAX_FACES));
      return new LoadedFinder(new FaceFinder(detector, spec, stage, settings), stage, detector);
    } catch (RuntimeException e) {
      stage.close();
      throw e;
    }
  }
}
