package io.facegate.schemas.registry;

/**
 * A schema-registry call failed: the registry answered with an error, or could not be reached. The
 * message names the registry URL and the request; when the registry answered, {@link #httpStatus()}
 * and {@link #errorCode()} carry its HTTP status and Confluent {@code error_code} (e.g. 40403).
 */
public final class SchemaRegistryException extends RuntimeException {
  /** Value of {@link #httpStatus()} and {@link #errorCode()} when the registry gave none. */
  public static final int NONE = -1;

  private final int httpStatus;
  private final int errorCode;

  public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  public SchemaRegistryException(String message, int httpStatus, int errorCode) {
    this(message, httpStatus, errorCode, null);
  }

  /** The registry could not be reached, or its answer made no sense. */
  public SchemaRegistryException(String message, Throwable cause) {
    this(message, NONE, NONE, cause);
  }

  /** HTTP status of the registry's answer, or {@link #NONE}. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The registry's {@code error_code}, or {@link #NONE}. */
  public int errorCode() {
    return errorCode;
  }

  /**
   * True if the registry said the subject, version or schema does not exist (HTTP 404, codes
   * 404xx).
   */
  public boolean isNotFound() {
    return httpStatus == 404 || (errorCode >= 40400 && errorCode < 40500);
  }
}
