package io.facegate.schemas.history;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * The published versions of each top-level schema: {@code <root>/<Name>/v1.avsc}, {@code v2.avsc},
 * ... Versions are numbered without gaps; loading stops at the first missing number. Every file is
 * a complete, standalone schema (named types inlined), so it parses without the others.
 */
public final class SchemaHistory {
  /** Classpath folder of the history shipped in this module's jar. */
  public static final String CLASSPATH_ROOT = "schema-history";

  private final Source source;

  private SchemaHistory(Source source) {
    this.source = source;
  }

  /** The history on the classpath (this module's {@code src/main/resources/schema-history}). */
  public static SchemaHistory fromClasspath() {
    ClassLoader loader = SchemaHistory.class.getClassLoader();
    return new SchemaHistory(
        relative -> {
          try (InputStream in = loader.getResourceAsStream(CLASSPATH_ROOT + "/" + relative)) {
            return in == null
                ? Optional.empty()
                : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
        });
  }

  /**
   * A history kept in a folder (tests, or a checkout's {@code src/main/resources/schema-history}).
   */
  public static SchemaHistory fromDirectory(Path root) {
    Objects.requireNonNull(root, "root");
    return new SchemaHistory(
        relative -> {
          Path file = root.resolve(relative);
          return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        });
  }

  static String relativePath(String name, int version) {
    return name + "/v" + version + ".avsc";
  }

  /**
   * All stored versions of {@code name}, oldest first; empty if none is stored.
   *
   * @throws IllegalStateException if a stored file is not a valid standalone schema
   */
  public List<SchemaVersion> versions(String name) {
    List<SchemaVersion> versions = new ArrayList<>();
    for (int v = 1; ; v++) {
      String relative = relativePath(name, v);
      Optional<String> text;
      try {
        text = source.read(relative);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read schema history file " + relative, e);
      }
      if (text.isEmpty()) {
        return List.copyOf(versions);
      }
      Schema schema;
      try {
        schema = new Schema.Parser().parse(text.get());
      } catch (AvroRuntimeException e) { // SchemaParseException, AvroTypeException (undefined name)
        throw new IllegalStateException(
            "schema history file "
                + relative
                + " is not a standalone Avro schema: "
                + e.getMessage(),
            e);
      }
      if (!schema.getName().equals(name)) {
        throw new IllegalStateException(
            "schema history file "
                + relative
                + " holds schema "
                + schema.getFullName()
                + ", not "
                + name);
      }
      versions.add(new SchemaVersion(name, v, schema));
    }
  }

  @FunctionalInterface
  private interface Source {
    Optional<String> read(String relativePath) throws IOException;
  }
}
