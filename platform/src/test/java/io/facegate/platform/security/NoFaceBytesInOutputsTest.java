package io.facegate.platform.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DeadLetter;
import io.facegate.schemas.EnrolledTemplate;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The contracts themselves keep face images out of what leaves the processor: decisions, dead
 * letters and templates have no field that could carry image bytes (docs/privacy.md).
 */
class NoFaceBytesInOutputsTest {

  /** Every path to a bytes/fixed field or a FaceImage record, e.g. {@code signature}. */
  private static List<String> binaryPaths(Schema schema) {
    List<String> out = new ArrayList<>();
    walk(schema, "", out, new HashSet<>());
    return out;
  }

  private static void walk(Schema s, String path, List<String> out, Set<String> seen) {
    switch (s.getType()) {
      case RECORD -> {
        if (s.getFullName().equals(FaceImage.getClassSchema().getFullName())) {
          out.add(path + "<FaceImage>");
          return;
        }
        if (!seen.add(s.getFullName())) {
          return;
        }
        for (Schema.Field f : s.getFields()) {
          walk(f.schema(), path.isEmpty() ? f.name() : path + "." + f.name(), out, seen);
        }
      }
      case UNION -> s.getTypes().forEach(t -> walk(t, path, out, seen));
      case ARRAY -> walk(s.getElementType(), path + "[]", out, seen);
      case MAP -> walk(s.getValueType(), path + "{}", out, seen);
      case BYTES, FIXED -> out.add(path);
      default -> {}
    }
  }

  @Test
  void decisionsCarryNoImageBytesOnlyTheirSignature() {
    assertEquals(List.of("signature"), binaryPaths(AccessDecision.getClassSchema()));
  }

  @Test
  void deadLettersCarryAHashNotThePayload() {
    assertEquals(List.of(), binaryPaths(DeadLetter.getClassSchema()));
    Schema.Field hash = DeadLetter.getClassSchema().getField("payloadSha256");
    assertEquals(Schema.Type.STRING, hash.schema().getType());
  }

  @Test
  void templatesAreEmbeddingsNotImages() {
    assertEquals(List.of(), binaryPaths(EnrolledTemplate.getClassSchema()));
  }

  @Test
  void theWalkerFindsImagesWhereTheyAre() {
    List<String> inEvents = binaryPaths(FaceEvent.getClassSchema());
    assertTrue(inEvents.contains("image<FaceImage>"), inEvents.toString());
  }
}
