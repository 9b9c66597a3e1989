package io.facegate.schemas.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facegate.schemas.FaceEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The check itself must catch incompatible changes; these feed it deliberately broken schemas. */
class BackwardCompatibilityCheckTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static Schema faceEventWith(Consumer<ObjectNode> change) throws IOException {
    ObjectNode node = (ObjectNode) JSON.readTree(FaceEvent.getClassSchema().toString());
    change.accept(node);
    return new Schema.Parser().parse(node.toString());
  }

  private static ObjectNode field(ObjectNode record, String name) {
    for (var f : record.withArray("fields")) {
      if (f.get("name").asText().equals(name)) {
        return (ObjectNode) f;
      }
    }
    throw new AssertionError("no field " + name);
  }

  /** The published FaceEvent v1, through the same loader the real gate uses. */
  private SchemaHistory historyWithPublishedV1(Schema... later) throws IOException {
    Schema v1 = SchemaHistory.fromClasspath().versions("FaceEvent").get(0).schema();
    Files.createDirectories(dir.resolve("FaceEvent"));
    Files.writeString(dir.resolve("FaceEvent/v1.avsc"), v1.toString(true));
    for (int i = 0; i < later.length; i++) {
      Files.writeString(dir.resolve("FaceEvent/v" + (i + 2) + ".avsc"), later[i].toString(true));
    }
    return SchemaHistory.fromDirectory(dir);
  }

  @Test
  void passesWhenCurrentSchemaIsTheStoredVersion() throws IOException {
    // v1, then the current schema stored as the newest version
    var report =
        BackwardCompatibilityCheck.check(
            FaceEvent.getClassSchema(),
            historyWithPublishedV1(FaceEvent.getClassSchema()).versions("FaceEvent"));
    assertTrue(report.passed(), report.describe());
  }

  @Test
  void rejectsNewFieldWithoutDefault() throws IOException {
    Schema broken =
        faceEventWith(
            r ->
                ((ArrayNode) r.get("fields"))
                    .addObject()
                    .put("name", "badgeNumber")
                    .put("type", "string"));
    var report =
        BackwardCompatibilityCheck.check(broken, historyWithPublishedV1().versions("FaceEvent"));
    assertFalse(report.passed());
    var problem = report.problems().get(0);
    assertEquals(BackwardCompatibilityCheck.Problem.Kind.NOT_READABLE, problem.kind());
    assertEquals(1, problem.version());
    assertTrue(problem.detail().contains("READER_FIELD_MISSING_DEFAULT"), problem.detail());
    assertTrue(problem.detail().contains("badgeNumber"), problem.detail());
  }

  @Test
  void rejectsChangedFieldType() throws IOException {
    Schema broken = faceEventWith(r -> field(r, "captureTime").put("type", "string"));
    var report =
        BackwardCompatibilityCheck.check(broken, historyWithPublishedV1().versions("FaceEvent"));
    assertFalse(report.passed());
    assertTrue(report.describe().contains("TYPE_MISMATCH"), report.describe());
    assertTrue(report.describe().contains("/fields/3/type"), report.describe());
  }

  @Test
  void rejectsRemovedEnumSymbolOfNestedTypeWithoutDefault() throws IOException {
    // ImageEncoding lives inside FaceImage inside FaceEvent; without its default, a dropped symbol
    // breaks old data.
    Schema broken =
        faceEventWith(
            r -> {
              ObjectNode encoding =
                  (ObjectNode)
                      field((ObjectNode) field(r, "image").get("type"), "encoding").get("type");
              encoding.remove("default");
              ArrayNode symbols = encoding.putArray("symbols");
              symbols.add("PGM").add("PNG").add("JPEG");
            });
    var report =
        BackwardCompatibilityCheck.check(broken, historyWithPublishedV1().versions("FaceEvent"));
    assertFalse(report.passed());
    assertTrue(report.describe().contains("MISSING_ENUM_SYMBOLS"), report.describe());
  }

  @Test
  void checksEveryStoredVersionNotOnlyTheLatest() throws IOException {
    // v2 dropped traceId; v3 brings it back as a required int: v3 can read neither v1 (type) nor v2
    // (no default).
    Schema v2 = faceEventWith(r -> ((ArrayNode) r.get("fields")).remove(6));
    Schema v3 = faceEventWith(r -> field(r, "traceId").put("type", "int").remove("default"));
    var report =
        BackwardCompatibilityCheck.check(v3, historyWithPublishedV1(v2, v3).versions("FaceEvent"));
    assertFalse(report.passed());
    List<Integer> versions =
        report.problems().stream().map(BackwardCompatibilityCheck.Problem::version).toList();
    assertTrue(versions.contains(1), report.describe());
    assertTrue(versions.contains(2), report.describe());
    assertFalse(versions.contains(3), report.describe());
  }

  @Test
  void compatibleChangeMustStillBeRecordedAsANewVersion() throws IOException {
    Schema evolved =
        faceEventWith(
            r ->
                ((ArrayNode) r.get("fields"))
                    .addObject()
                    .put("name", "site")
                    .<ObjectNode>set("type", JSON.createArrayNode().add("null").add("string"))
                    .putNull("default"));
    var unrecorded =
        BackwardCompatibilityCheck.check(evolved, historyWithPublishedV1().versions("FaceEvent"));
    assertEquals(
        List.of(BackwardCompatibilityCheck.Problem.Kind.NOT_RECORDED),
        unrecorded.problems().stream().map(BackwardCompatibilityCheck.Problem::kind).toList());
    assertTrue(unrecorded.describe().contains("FaceEvent/v2.avsc"), unrecorded.describe());

    var recorded =
        BackwardCompatibilityCheck.check(
            evolved, historyWithPublishedV1(evolved).versions("FaceEvent"));
    assertTrue(recorded.passed(), recorded.describe());
  }

  @Test
  void reportsMissingHistory() {
    var report =
        BackwardCompatibilityCheck.check(
            FaceEvent.getClassSchema(), SchemaHistory.fromDirectory(dir).versions("FaceEvent"));
    assertEquals(
        BackwardCompatibilityCheck.Problem.Kind.NO_HISTORY, report.problems().get(0).kind());
  }

  @Test
  void historyFileThatIsNotAStandaloneSchemaIsAnError() throws IOException {
    Files.createDirectories(dir.resolve("FaceEvent"));
    // FaceImage referenced by name only: not inlined, so it does not parse on its own.
    Files.writeString(
        dir.resolve("FaceEvent/v1.avsc"),
        "{\"type\":\"record\",\"name\":\"FaceEvent\","
            + "\"namespace\":\"io.facegate.schemas\",\"fields\":[{\"name\":\"image\",\"type\":\"FaceImage\"}]}");
    var e =
        assertThrows(
            IllegalStateException.class,
            () -> SchemaHistory.fromDirectory(dir).versions("FaceEvent"));
    assertTrue(e.getMessage().contains("FaceEvent/v1.avsc"), e.getMessage());
  }

  @Test
  void historyFileHoldingAnotherSchemaIsAnError() throws IOException {
    Files.createDirectories(dir.resolve("FaceEvent"));
    Files.writeString(
        dir.resolve("FaceEvent/v1.avsc"), "{\"type\":\"record\",\"name\":\"Other\",\"fields\":[]}");
    assertThrows(
        IllegalStateException.class, () -> SchemaHistory.fromDirectory(dir).versions("FaceEvent"));
  }

  @Test
  void versionsStopAtTheFirstGap() throws IOException {
    SchemaHistory history = historyWithPublishedV1();
    Files.writeString(dir.resolve("FaceEvent/v3.avsc"), FaceEvent.getClassSchema().toString());
    assertEquals(1, history.versions("FaceEvent").size());
  }
}
