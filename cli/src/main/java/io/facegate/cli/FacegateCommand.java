package io.facegate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code facegate} command line: one picocli application, one subcommand class per workflow.
 * Exit codes: 0 success, 1 failure (a one-line error on stderr), 2 usage error or a command that is
 * not available in this build.
 */
@Command(
    name = "facegate",
    mixinStandardHelpOptions = true,
    versionProvider = FacegateVersion.class,
    description = "Event-driven face verification for door access, on Kafka.",
    subcommands = {
      TrainCommand.class,
      EvaluateCommand.class,
      DemoCommand.class,
      ProcessorCommand.class,
      EnrollCommand.class,
      PublishCommand.class,
      TailCommand.class,
      ReplayCommand.class,
      DashboardCommand.class,
      BenchCommand.class,
      BrokerCommand.class,
      PretrainedCommand.class
    })
public final class FacegateCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  /**
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /**
   * The configured command line, for {@link #main} and tests: expected failures print one line.
   *
   * @return a fresh {@link CommandLine}
   */
  public static CommandLine newCommandLine() {
    return new CommandLine(new FacegateCommand())
        .setExecutionExceptionHandler(new OneLineErrors())
        .setParameterExceptionHandler(new OneLineErrors());
  }

  /** Without a subcommand there is nothing to do: show what there is. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return CommandLine.ExitCode.USAGE;
  }
}
