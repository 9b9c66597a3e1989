package io.facegate.schemas.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.schemas.Enrollment;
import io.facegate.schemas.EnrollmentAction;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.testing.SampleRecords;
import java.time.Instant;
import java.util.List;
import org.apache.avro.util.ClassSecurityValidator;
import org.junit.jupiter.api.Test;

/** Generated classes work in a plain JVM: no system property, no set-up call. */
class GeneratedClassTrustTest {

  @Test
  void builderDefaultsOfNestedTypesWorkWithoutAnySetting() {
    assertNull(System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES"), "the test must run without it");
    // action (enum) and images (array of records) keep their defaults: Avro deep-copies them by class name
    Enrollment forget = Enrollment.newBuilder().setIdentityId("bob").setRequestedAt(Instant.EPOCH).build();
    assertEquals(EnrollmentAction.ENROLL, forget.getAction());
    assertEquals(List.of(), forget.getImages());
  }

  @Test
  void copyBuilderWorks() {
    Enrollment original = SampleRecords.enrollment();
    assertEquals(original, Enrollment.newBuilder(original).build());
  }

  @Test
  void trustsOnlyGeneratedClassesOfTheSchemasPackage() {
    assertTrue(GeneratedClassTrust.isFacegateGenerated(FaceImage.class));
    assertTrue(GeneratedClassTrust.isFacegateGenerated(Enrollment.Builder.class));
    assertFalse(GeneratedClassTrust.isFacegateGenerated(GeneratedClassTrust.class), "same package tree, not generated");
    assertFalse(GeneratedClassTrust.isFacegateGenerated(SampleRecords.class));
    assertFalse(GeneratedClassTrust.isFacegateGenerated(ProcessBuilder.class));
    assertThrows(SecurityException.class, () -> ClassSecurityValidator.validate(ProcessBuilder.class),
        "the rest of Avro's allow-list is unchanged");
  }

  @Test
  void installIsIdempotent() {
    GeneratedClassTrust.install();
    var once = ClassSecurityValidator.getGlobal();
    GeneratedClassTrust.install();
    assertEquals(once, ClassSecurityValidator.getGlobal());
  }
}
