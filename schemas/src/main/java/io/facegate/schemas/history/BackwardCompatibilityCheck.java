package io.facegate.schemas.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Checks that a schema can read everything its published versions wrote: BACKWARD compatibility
 * against every stored version (Confluent's {@code BACKWARD_TRANSITIVE}), using Avro's own
 * resolution rules ({@link SchemaCompatibility}, reader = the current schema).
 *
 * <p>It also insists that the newest stored version <em>is</em> the current schema, so a change to
 * an {@code .avsc} file cannot slip through without being recorded as a new version.
 */
public final class BackwardCompatibilityCheck {
  private BackwardCompatibilityCheck() {}

  /**
   * Why {@code reader} cannot read data written with {@code writer}; empty when it can. Each entry
   * names the location in the schema and Avro's reason.
   */
  public static List<String> incompatibilities(Schema reader, Schema writer) {
    Objects.requireNonNull(reader, "reader");
    Objects.requireNonNull(writer, "writer");
    SchemaPairCompatibility pair =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (pair.getType() == SchemaCompatibilityType.COMPATIBLE) {
      return List.of();
    }
    List<String> reasons = new ArrayList<>();
    for (Incompatibility i : pair.getResult().getIncompatibilities()) {
      reasons.add(i.getType() + " at " + i.getLocation() + ": " + i.getMessage());
    }
    if (reasons.isEmpty()) {
      reasons.add(pair.getDescription());
    }
    return List.copyOf(reasons);
  }

  /** Checks {@code current} against every version in {@code history} (oldest first). */
  public static Report check(Schema current, List<SchemaVersion> history) {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(history, "history");
    String name = current.getName();
    List<Problem> problems = new ArrayList<>();
    if (history.isEmpty()) {
      problems.add(
          new Problem(
              Problem.Kind.NO_HISTORY,
              0,
              "no stored version; add " + SchemaHistory.relativePath(name, 1)));
      return new Report(name, problems);
    }
    for (SchemaVersion version : history) {
      for (String reason : incompatibilities(current, version.schema())) {
        problems.add(
            new Problem(
                Problem.Kind.NOT_READABLE,
                version.version(),
                "current "
                    + name
                    + " cannot read data written with v"
                    + version.version()
                    + ": "
                    + reason));
      }
    }
    SchemaVersion latest = history.get(history.size() - 1);
    if (!latest.schema().equals(current)) {
      problems.add(
          new Problem(
              Problem.Kind.NOT_RECORDED,
              latest.version() + 1,
              "current "
                  + name
                  + " differs from its newest stored version v"
                  + latest.version()
                  + "; store it as "
                  + SchemaHistory.relativePath(name, latest.version() + 1)));
    }
    return new Report(name, problems);
  }

  /** What {@link #check} found for one schema. */
  public record Report(String name, List<Problem> problems) {
    public Report {
      Objects.requireNonNull(name, "name");
      problems = List.copyOf(problems);
    }

    /** True when the current schema reads every stored version and is itself the newest one. */
    public boolean passed() {
      return problems.isEmpty();
    }

    /** The problems, one per line. */
    public String describe() {
      if (problems.isEmpty()) {
        return name + ": compatible with all stored versions";
      }
      StringBuilder text = new StringBuilder(name).append(':');
      for (Problem p : problems) {
        text.append("\n  [").append(p.kind()).append("] ").append(p.detail());
      }
      return text.toString();
    }
  }

  /**
   * One reason the check failed.
   *
   * @param kind what is wrong
   * @param version the stored version concerned (for {@code NOT_RECORDED}: the number to add)
   * @param detail a sentence for a person
   */
  public record Problem(Kind kind, int version, String detail) {
    /** What is wrong. */
    public enum Kind {
      /** Nothing is stored for the schema. */
      NO_HISTORY,
      /** The current schema cannot read data written with a stored version. */
      NOT_READABLE,
      /** The current schema changed but was not stored as a new version. */
      NOT_RECORDED
    }
  }
}
