package io.facegate.schemas.history;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One stored version of a top-level schema, as kept in {@code
 * schema-history/<name>/v<version>.avsc}.
 *
 * @param name the schema's simple name, e.g. {@code FaceEvent}
 * @param version 1, 2, ... in the order the versions were published
 * @param schema the fully inlined schema of that version
 */
public record SchemaVersion(String name, int version, Schema schema) {
  public SchemaVersion {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
    if (version < 1) {
      throw new IllegalArgumentException(name + ": version must be >= 1, got " + version);
    }
  }

  /** Where this version lives, relative to the history root. */
  public String relativePath() {
    return SchemaHistory.relativePath(name, version);
  }
}
