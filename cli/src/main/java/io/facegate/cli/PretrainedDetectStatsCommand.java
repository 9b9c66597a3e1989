package io.facegate.cli;

import io.facegate.model.face.FaceDetectorOptions;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.OnnxFaceDetector;
import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.trainer.evaluation.DetectionSurvey;
import io.facegate.trainer.pretrained.FetchedPackage;
import io.facegate.trainer.pretrained.PretrainedCatalogue;
import io.facegate.trainer.pretrained.PretrainedFetch;
import io.facegate.trainer.pretrained.SsdMobilenetv1Graph;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code facegate pretrained detect-stats}: runs face-api's SSD MobileNetV1 (rebuilt as ONNX from
 * the cached weights when the model file is missing) over whole datasets and prints how many images
 * have a face at each score threshold, the CPU time per image and the images without one.
 */
@Command(
    name = "detect-stats",
    mixinStandardHelpOptions = true,
    description =
        "Face-detection figures of face-api's SSD MobileNetV1 on datasets: images with a face "
            + "above each threshold, CPU time per image (one image per run), the misses.")
public final class PretrainedDetectStatsCommand implements Callable<Integer> {

  @Option(
      names = "--cache",
      description = "Pretrained cache folder (default: ${DEFAULT-VALUE}).",
      defaultValue = ".facegate/pretrained")
  Path cache;

  @Option(
      names = "--model",
      description =
          "Detector ONNX file; written from the cached weights when "
              + "missing (default: ${DEFAULT-VALUE}).",
      defaultValue = ".facegate/models/ssd_mobilenetv1.onnx")
  Path model;

  @Option(
      names = "--datasets",
      description = "Datasets folder (default: ${DEFAULT-VALUE}).",
      defaultValue = "../shared/datasets")
  Path datasets;

  @Option(
      names = "--set",
      description = "Dataset folders to survey (default: orl-faces, celeba-frames).",
      split = ",")
  List<String> sets = List.of("orl-faces", "celeba-frames");

  @Option(
      names = "--threshold",
      split = ",",
      description = "Score thresholds to count at (default: 0.5,0.3).")
  List<Double> thresholds = List.of(0.5, 0.3);

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "ONNX Runtime intra-op threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--device",
      defaultValue = "cpu",
      description = "cpu, cuda, cuda:N or auto (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(
      names = "--max-pixels",
      defaultValue = "32000000",
      description =
          "Decoder limit in pixels; above the service default so every photo is surveyed "
              + "(default: ${DEFAULT-VALUE}).")
  int maxPixels;

  @Option(
      names = "--margin",
      defaultValue = "0",
      description =
          "Black border added on every side before detection, as a fraction of the image size; "
              + "tight crops (ORL) need about 0.5 (default: ${DEFAULT-VALUE}).")
  double margin;

  private static String producerVersion() {
    try {
      return new FacegateVersion().getVersion()[0];
    } catch (IOException e) {
      return "facegate (unknown version)";
    }
  }

  @Override
  public Integer call() throws IOException {
    if (thresholds.isEmpty()) {
      throw new CommandFailedException("--threshold needs at least one value");
    }
    if (!(margin >= 0 && margin <= 4)) {
      throw new CommandFailedException("--margin must be in [0, 4], got " + margin);
    }
    double lowest = thresholds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    if (!Files.isRegularFile(model)) {
      FetchedPackage faceApi =
          PretrainedFetch.withNpm(cache)
              .cached(PretrainedCatalogue.FACE_API)
              .orElseThrow(
                  () ->
                      new CommandFailedException(
                          "no verified face-api weights in "
                              + cache
                              + "; run: ./facegate pretrained fetch face-api"));
      SsdMobilenetv1Graph.write(faceApi, producerVersion(), model);
      System.out.println("wrote " + model + " from " + faceApi.directory());
    }
    ImageDecoder decoder = new ImageDecoder(new ImageLimits(64 * 1024 * 1024, maxPixels, 16));
    // NMS keeps the same boxes above a higher threshold whatever the lowest one: one run serves all
    try (OnnxFaceDetector detector =
        OnnxFaceDetector.open(
            model,
            DeviceSpec.parse(device),
            threads,
            new FaceDetectorOptions(lowest, FaceDetectorOptions.DEFAULT_MAX_FACES))) {
      double[] ts = thresholds.stream().mapToDouble(Double::doubleValue).toArray();
      for (String set : sets) {
        Path root = datasets.resolve(set);
        if (!Files.isDirectory(root)) {
          throw new CommandFailedException("no dataset folder " + root);
        }
        List<Path> files = DetectionSurvey.images(root);
        System.out.print(
            DetectionSurvey.run(set, root, files, decoder, detector, margin).report(ts));
        System.out.flush();
      }
    } catch (UncheckedIOException e) {
      throw new CommandFailedException(e.getMessage(), e);
    }
    return 0;
  }
}
