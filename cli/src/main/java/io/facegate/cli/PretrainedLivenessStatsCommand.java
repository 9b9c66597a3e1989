package io.facegate.cli;

import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.OnnxLivenessCheck;
import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.trainer.evaluation.DetectionSurvey;
import io.facegate.trainer.evaluation.LivenessSurvey;
import io.facegate.trainer.pretrained.FetchedPackage;
import io.facegate.trainer.pretrained.LivenessImport;
import io.facegate.trainer.pretrained.PretrainedCatalogue;
import io.facegate.trainer.pretrained.PretrainedFetch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code facegate pretrained liveness-stats}: scores every image of datasets of real faces with an
 * imported liveness model (rebuilt from the cached weights when the file is missing) and prints the
 * live-face false-reject rate at each threshold. Spoof rejection cannot be measured this way.
 */
@Command(
    name = "liveness-stats",
    mixinStandardHelpOptions = true,
    description = {
      "Live-face false-reject rate of Human's antispoof or liveness network on folders of real "
          + "faces, at each threshold, with score quantiles.",
      "It cannot measure spoof rejection: that needs spoof images."
    })
public final class PretrainedLivenessStatsCommand implements Callable<Integer> {

  @Parameters(
      paramLabel = "DATA",
      arity = "1..*",
      description = "Folders of real face images (PGM/JPEG), searched recursively.")
  List<Path> data;

  @Option(
      names = "--network",
      defaultValue = "liveness",
      description = "antispoof or liveness (default: ${DEFAULT-VALUE}).")
  String network;

  @Option(
      names = "--model",
      description =
          "Liveness ONNX file (default: .facegate/models/NETWORK.onnx, written from "
              + "the cached weights when missing).")
  Path model;

  @Option(
      names = "--cache",
      description = "Pretrained cache folder (default: ${DEFAULT-VALUE}).",
      defaultValue = ".facegate/pretrained")
  Path cache;

  @Option(
      names = "--threshold",
      split = ",",
      description = "Thresholds to report (default: 0.1,0.3,0.5,0.7,0.9).")
  List<Double> thresholds = List.of(0.1, 0.3, 0.5, 0.7, 0.9);

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

  private static String producerVersion() {
    try {
      return new FacegateVersion().getVersion()[0];
    } catch (IOException e) {
      return "facegate (unknown version)";
    }
  }

  @Override
  public Integer call() throws IOException {
    LivenessImport.Network net =
        LivenessImport.Network.find(network)
            .orElseThrow(
                () ->
                    new CommandFailedException(
                        "unknown liveness network " + network + "; known: antispoof, liveness"));
    if (thresholds.isEmpty() || thresholds.stream().anyMatch(t -> !(t >= 0 && t <= 1))) {
      throw new CommandFailedException("--threshold needs values in [0, 1], got " + thresholds);
    }
    for (Path d : data) {
      if (!Files.isDirectory(d)) {
        throw new CommandFailedException("no dataset folder " + d);
      }
    }
    Path file = model != null ? model : Path.of(".facegate", "models", net.cliName() + ".onnx");
    if (!Files.isRegularFile(file)) {
      if (model != null) {
        throw new CommandFailedException("no liveness model at " + model);
      }
      FetchedPackage human =
          PretrainedFetch.withNpm(cache)
              .cached(PretrainedCatalogue.HUMAN_MODELS)
              .orElseThrow(
                  () ->
                      new CommandFailedException(
                          "no verified human-models weights in "
                              + cache
                              + "; run: ./facegate pretrained fetch human-models"));
      LivenessImport.write(human, net, file.getParent(), producerVersion());
      System.out.println("wrote " + file + " from " + human.directory());
    }
    double[] ts = thresholds.stream().mapToDouble(Double::doubleValue).toArray();
    ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
    try (OnnxLivenessCheck check =
        OnnxLivenessCheck.open(file, DeviceSpec.parse(device), threads, 0.5f)) {
      System.out.println(
          check.network()
              + ", input "
              + check.inputSize()
              + "x"
              + check.inputSize()
              + ", each image scored whole");
      for (Path d : data) {
        String name = d.getFileName() == null ? d.toString() : d.getFileName().toString();
        System.out.print(
            LivenessSurvey.run(name, DetectionSurvey.images(d), decoder, check).report(ts));
        System.out.flush();
      }
    }
    return 0;
  }
}
