package io.facegate.platform.config;

/**
 * A configuration value is missing, malformed or out of range. The message names the offending key,
 * so a user can fix the file or the environment variable without reading code.
 */
public final class InvalidConfigException extends IllegalArgumentException {

  private final String key;

  /**
   * @param key the configuration key at fault, e.g. {@code kafka.bootstrap.servers}
   * @param problem what is wrong with it, phrased to follow the key
   */
  public InvalidConfigException(String key, String problem) {
    super(key + ": " + problem);
    this.key = key;
  }

  /**
   * @param key the configuration key at fault
   * @param problem what is wrong with it
   * @param cause the underlying failure
   */
  public InvalidConfigException(String key, String problem, Throwable cause) {
    super(key + ": " + problem, cause);
    this.key = key;
  }

  /**
   * @return the configuration key at fault
   */
  public String key() {
    return key;
  }
}
