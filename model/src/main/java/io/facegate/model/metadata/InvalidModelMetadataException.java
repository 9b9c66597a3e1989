package io.facegate.model.metadata;

/** Model metadata that is missing a key or holds a bad value; the message names the key. */
public final class InvalidModelMetadataException extends IllegalArgumentException {

  private final String key;

  /** A problem with {@code key}. */
  public InvalidModelMetadataException(String key, String problem) {
    super("model metadata key '" + key + "': " + problem);
    this.key = key;
  }

  /** The offending metadata key. */
  public String key() {
    return key;
  }
}
