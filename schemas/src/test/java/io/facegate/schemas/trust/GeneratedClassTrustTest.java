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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.util.ClassSecurityValidator;
import org.junit.jupiter.api.Test;

/** Generated classes work in a plain JVM: no system property, no set-up call. */
class GeneratedClassTrustTest {

  /**
   * Runs in a fresh JVM, where nothing but the service registration can have installed the trust.
   */
  public static final class FreshJvmProbe {
    public static void main(String[] args) {
      Enrollment forget =
          Enrollment.newBuilder().setIdentityId("bob").setRequestedAt(Instant.EPOCH).build();
      Enrollment copy = Enrollment.newBuilder(SampleRecords.enrollment()).build();
      System.out.println("ok " + forget.getAction() + " " + copy.getImages().size());
    }
  }

  @Test
  void freshJvmNeedsNoSettingAndNoSetUpCall() throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                FreshJvmProbe.class.getName())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("ok ENROLL 2"), out);
  }

  @Test
  void builderDefaultsOfNestedTypesWork() {
    assertNull(
        System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES"),
        "the test must run without it");
    // action (enum) and images (array of records) keep their defaults: Avro deep-copies them by
    // class name
    Enrollment forget =
        Enrollment.newBuilder().setIdentityId("bob").setRequestedAt(Instant.EPOCH).build();
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
    assertFalse(
        GeneratedClassTrust.isFacegateGenerated(GeneratedClassTrust.class),
        "same package tree, not generated");
    assertFalse(GeneratedClassTrust.isFacegateGenerated(SampleRecords.class));
    assertFalse(GeneratedClassTrust.isFacegateGenerated(ProcessBuilder.class));
    assertThrows(
        SecurityException.class,
        () -> ClassSecurityValidator.validate(ProcessBuilder.class),
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
