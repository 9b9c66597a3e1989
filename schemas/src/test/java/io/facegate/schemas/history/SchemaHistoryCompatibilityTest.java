package io.facegate.schemas.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The real gate: every current schema reads every version the repository has published. */
class SchemaHistoryCompatibilityTest {
  private static final Path CANDIDATES = Path.of("target", "schema-history-candidates");

  @TestFactory
  Stream<DynamicTest> currentSchemaReadsEveryStoredVersion() {
    SchemaHistory history = SchemaHistory.fromClasspath();
    return TopLevelSchemas.current().stream()
        .map(
            current ->
                DynamicTest.dynamicTest(
                    current.getName(),
                    () -> {
                      List<SchemaVersion> versions = history.versions(current.getName());
                      BackwardCompatibilityCheck.Report report =
                          BackwardCompatibilityCheck.check(current, versions);
                      String hint = "";
                      if (!report.passed()) {
                        // Hand the developer the exact file to add (docs/schemas.md explains the
                        // review).
                        Path candidate =
                            CANDIDATES.resolve(
                                SchemaHistory.relativePath(current.getName(), versions.size() + 1));
                        Files.createDirectories(candidate.getParent());
                        Files.writeString(candidate, current.toString(true) + "\n");
                        hint =
                            "\ncandidate for the next version written to "
                                + candidate.toAbsolutePath();
                      }
                      assertTrue(report.passed(), report.describe() + hint);
                    }));
  }

  @Test
  void everyTopLevelSchemaHasAtLeastOneVersionOnTheClasspath() {
    SchemaHistory history = SchemaHistory.fromClasspath();
    for (Schema current : TopLevelSchemas.current()) {
      assertFalse(history.versions(current.getName()).isEmpty(), current.getName());
    }
  }

  @Test
  void historyHoldsOnlyTopLevelSchemas() throws IOException {
    Path root = Path.of("src", "main", "resources", SchemaHistory.CLASSPATH_ROOT);
    Set<String> stored;
    try (Stream<Path> dirs = Files.list(root)) {
      stored = dirs.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
    Set<String> topLevel =
        TopLevelSchemas.current().stream().map(Schema::getName).collect(Collectors.toSet());
    assertEquals(topLevel, stored);
  }
}
