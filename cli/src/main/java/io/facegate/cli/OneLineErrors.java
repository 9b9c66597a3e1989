package io.facegate.cli;

import io.facegate.platform.broker.BrokerStartException;
import io.facegate.platform.config.InvalidConfigException;
import io.facegate.platform.topics.TopicSetupException;
import io.facegate.schemas.registry.SchemaRegistryException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The one error path of every subcommand: a usage error (bad or missing option) is one line naming
 * the command, exit code 2; failures a user can fix (port taken, bad config, unusable directory,
 * registry unreachable...) become one line on stderr and exit code 1. Anything else is a bug: its
 * stack trace is printed, exit code 1 too.
 */
final class OneLineErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine commandLine = ex.getCommandLine();
    String message =
        commandLine.getCommandSpec().qualifiedName() + ": " + firstLine(ex.getMessage());
    commandLine.getErr().println(commandLine.getColorScheme().errorText(message));
    UnmatchedArgumentException.printSuggestions(ex, commandLine.getErr());
    commandLine.getErr().flush();
    return commandLine.getCommandSpec().exitCodeOnInvalidInput();
  }

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine commandLine, ParseResult parseResult) throws Exception {
    if (!isExpected(ex)) {
      throw ex;
    }
    // the qualified name: "facegate pretrained fetch", not "facegate fetch"
    String message =
        commandLine.getCommandSpec().qualifiedName() + ": " + firstLine(ex.getMessage());
    commandLine.getErr().println(commandLine.getColorScheme().errorText(message));
    commandLine.getErr().flush();
    return CommandLine.ExitCode.SOFTWARE;
  }

  private static boolean isExpected(Exception ex) {
    return ex instanceof CommandFailedException
        || ex instanceof BrokerStartException
        || ex instanceof TopicSetupException
        || ex instanceof InvalidConfigException
        || ex instanceof UncheckedIOException
        || ex instanceof SchemaRegistryException;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "failed";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
