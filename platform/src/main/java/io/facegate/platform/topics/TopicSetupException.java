package io.facegate.platform.topics;

/**
 * A facegate topic exists but cannot serve as it is (too few partitions, wrong cleanup policy), or
 * the cluster refused to create it. The message says which topic and what to change.
 */
public final class TopicSetupException extends RuntimeException {

  /**
   * @param message which topic and what is wrong, in one line
   * @param cause the underlying failure, or null
   */
  public TopicSetupException(String message, Throwable cause) {
    super(message, cause);
  }
}
