package io.facegate.cli;

import io.facegate.model.metadata.InvalidModelMetadataException;
import io.facegate.trainer.data.DatasetException;
import io.facegate.trainer.pipeline.EvaluatePipeline;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

  /** Runs {@code evaluate} on its own. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new EvaluateCommand()).execute(args));
  }

  @Override
  public Integer call() {
    try {
      new EvaluatePipeline(System.out, strictImages).run(model, data, out);
      return 0;
    } catch (DatasetException | InvalidModelMetadataException e) {
      System.err.println("facegate evaluate: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    } catch (IllegalArgumentException e) {
      System.err.println("facegate evaluate: " + e.getMessage());
      return CommandLine.ExitCode.USAGE;
    } catch (Exception e) {
      System.err.println("facegate evaluate: failed: " + e);
      return CommandLine.ExitCode.SOFTWARE;
    }
  }
}
