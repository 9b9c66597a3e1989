package io.facegate.cli;

import io.facegate.model.face.FaceFinder;
import ai.onnxruntime.OrtException;
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
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Evaluate an exported model on folder-per-identity data (all people treated as unseen) "
        + "and write evaluation.json and plots.")
public final class EvaluateCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "Model folder (with model.onnx) or the .onnx file.")
  Path model;

  @Option(names = "--data", required = true, description = "Folder-per-identity dataset root; repeat to combine.")
  List<Path> data;

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  @Option(names = "--strict-images",
      description = "Fail on the first unusable image (not PGM/PNG/JPEG, corrupt, too small...) instead of "
          + "counting it by reason in evaluation.json and going on.")
  boolean strictImages;

  @Option(names = "--frames",
      description = "The images are whole camera frames: the model's face detector finds the face, as in the "
          + "processor (a frame without a usable face counts as unusable).")
  boolean frames;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    try {
      new EvaluatePipeline(System.out, strictImages).run(model, data, out,
          frames ? FaceFinder.Kind.FRAME : FaceFinder.Kind.CROP);
      return CommandLine.ExitCode.OK;
    } catch (DatasetException | InvalidModelMetadataException e) {
      throw new CommandFailedException(e.getMessage(), e);
    } catch (OrtException e) {
      throw new CommandFailedException("ONNX Runtime cannot run " + model + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e, null, null);
    }
  }
}
