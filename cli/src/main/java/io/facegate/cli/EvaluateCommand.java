package io.facegate.cli;

import ai.onnxruntime.OrtException;
import io.facegate.model.face.FaceFinder;
import io.facegate.model.metadata.InvalidModelMetadataException;
import io.facegate.trainer.data.DatasetException;
import io.facegate.trainer.pipeline.EvaluatePipeline;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code facegate evaluate}: measures an exported model on any folder-per-identity data. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description =
        "Evaluate an exported model on folder-per-identity data (all people treated as unseen) "
            + "and write evaluation.json and plots.")
public final class EvaluateCommand implements Callable<Integer> {

  @Option(
      names = "--model",
      required = true,
      description = "Model folder (with model.onnx) or the .onnx file.")
  Path model;

  @Option(
      names = "--data",
      required = true,
      description = "Folder-per-identity dataset root; repeat to combine.")
  List<Path> data;

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  @Option(
      names = "--strict-images",
      description =
          "Fail on the first unusable image (not PGM/PNG/JPEG, corrupt, too small...) instead of "
              + "counting it by reason in evaluation.json and going on.")
  boolean strictImages;

  @Option(
      names = "--frames",
      description =
          "The images are whole camera frames: the model's face detector finds the face, as in the "
              + "processor (a frame without a usable face counts as unusable).")
  boolean frames;

  @Option(
      names = "--split-seed",
      paramLabel = "N",
      description =
          "Also calibrate a threshold on some people and report it on the others: the seed of the "
              + "people shuffle (each dataset on its own). Needs --calibration-fraction.")
  Long splitSeed;

  @Option(
      names = "--calibration-fraction",
      paramLabel = "F",
      description =
          "With --split-seed: the share of each dataset's people the threshold is calibrated on (at "
              + "their EER), in (0, 1); EER, FAR and FRR at it are reported on the rest (people_split in "
              + "evaluation.json).")
  Double calibrationFraction;

  @Spec private CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if ((splitSeed == null) != (calibrationFraction == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--split-seed and --calibration-fraction go together");
    }
    try {
      EvaluatePipeline.PeopleSplit split =
          splitSeed == null
              ? null
              : new EvaluatePipeline.PeopleSplit(splitSeed, calibrationFraction);
      new EvaluatePipeline(System.out, strictImages, split)
          .run(model, data, out, frames ? FaceFinder.Kind.FRAME : FaceFinder.Kind.CROP);
      return CommandLine.ExitCode.OK;
    } catch (DatasetException | InvalidModelMetadataException e) {
      throw new CommandFailedException(e.getMessage(), e);
    } catch (OrtException e) {
      throw new CommandFailedException(
          "ONNX Runtime cannot run " + model + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
