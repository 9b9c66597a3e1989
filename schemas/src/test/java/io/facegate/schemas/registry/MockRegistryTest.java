package io.facegate.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.FaceEvent;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MockRegistryTest {
  @AfterEach
  void drop() {
    SchemaRegistryClients.dropMockScope("mock-a");
    SchemaRegistryClients.dropMockScope("mock-b");
  }

  @Test
  void clientsOfOneScopeShareState() {
    try (SchemaRegistryClient writer = SchemaRegistryClients.create(RegistryConfig.mock("mock-a"));
        SchemaRegistryClient reader = SchemaRegistryClients.create(RegistryConfig.mock("mock-a"))) {
      int id = writer.register("camera-frames-value", FaceEvent.getClassSchema());
      assertEquals(FaceEvent.getClassSchema(), reader.schemaById(id));
    }
  }

  @Test
  void scopesAreIsolatedAndCanBeDropped() {
    try (SchemaRegistryClient a = SchemaRegistryClients.create(RegistryConfig.mock("mock-a"))) {
      int id = a.register("t-value", FaceEvent.getClassSchema());
      try (SchemaRegistryClient b = SchemaRegistryClients.create(RegistryConfig.mock("mock-b"))) {
        assertTrue(
            assertThrows(SchemaRegistryException.class, () -> b.schemaById(id)).isNotFound());
      }
      assertTrue(SchemaRegistryClients.dropMockScope("mock-a"));
      assertFalse(SchemaRegistryClients.dropMockScope("mock-a"));
    }
    try (SchemaRegistryClient fresh = SchemaRegistryClients.create(RegistryConfig.mock("mock-a"))) {
      SchemaRegistryException e =
          assertThrows(SchemaRegistryException.class, () -> fresh.schemaById(1));
      assertEquals(404, e.httpStatus());
      assertEquals(40403, e.errorCode());
      assertTrue(e.getMessage().contains("mock://mock-a"), e.getMessage());
    }
  }

  @Test
  void sameSchemaGetsSameIdAcrossSubjectsAndRegistrations() {
    try (SchemaRegistryClient c = SchemaRegistryClients.create(RegistryConfig.mock("mock-a"))) {
      int first = c.register("a-value", FaceEvent.getClassSchema());
      assertEquals(first, c.register("a-value", FaceEvent.getClassSchema()));
      assertEquals(first, c.register("b-value", FaceEvent.getClassSchema()));
      assertNotEquals(first, c.register("c-value", AccessDecision.getClassSchema()));
    }
  }

  @Test
  void refusesAnIncompatibleNewVersionLikeARegistryWithBackwardCompatibility() {
    Schema v1 =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
    Schema compatible =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":["
                    + "{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}");
    Schema incompatible =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":["
                    + "{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0},"
                    + "{\"name\":\"c\",\"type\":\"int\"}]}");
    try (SchemaRegistryClient c = SchemaRegistryClients.create(RegistryConfig.mock("mock-a"))) {
      int id1 = c.register("r-value", v1);
      int id2 = c.register("r-value", compatible);
      assertNotEquals(id1, id2);
      SchemaRegistryException e =
          assertThrows(SchemaRegistryException.class, () -> c.register("r-value", incompatible));
      assertEquals(409, e.httpStatus());
      assertTrue(e.getMessage().contains("r-value"), e.getMessage());
      assertEquals(id2, c.register("other-value", compatible), "another subject has no history");
    }
  }
}
