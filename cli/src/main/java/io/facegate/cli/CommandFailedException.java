package io.facegate.cli;

/**
 * A subcommand failed for a reason the user can act on; the CLI prints the message as one line and
 * exits with code 1, without a stack trace.
 */
public final class CommandFailedException extends RuntimeException {

  /**
   * @param message what failed and, where possible, what to do about it; one line
   * @param cause the underlying failure, or null
   */
  public CommandFailedException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * @param message what failed, one line
   */
  public CommandFailedException(String message) {
    super(message);
  }
}
