package io.facegate.platform.broker;

/**
 * The embedded broker could not start (port taken, log dir unusable, storage format failed, broker
 * not ready in time). The message is one line a user can act on; the cause keeps the details.
 */
public final class BrokerStartException extends RuntimeException {

  /**
   * @param message what went wrong, in one line
   * @param cause the underlying failure, or null
   */
  public BrokerStartException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * @param message what went wrong, in one line
   */
  public BrokerStartException(String message) {
    super(message);
  }
}
