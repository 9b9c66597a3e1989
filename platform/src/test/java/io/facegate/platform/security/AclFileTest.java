package io.facegate.platform.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class AclFileTest {
  private static final Set<String> DOOR_OPENING_TOPICS =
      Set.of("access-granted", "access-decisions");

  @Test
  void shippedFileParses() throws IOException {
    List<AclBinding> rules = AclFile.read(SecuredBroker.aclFile());
    assertTrue(rules.size() >= 10, "rules: " + rules.size());
  }

  @Test
  void onlyTheProcessorMayWriteDecisions() throws IOException {
    for (AclBinding rule : AclFile.read(SecuredBroker.aclFile())) {
      if (rule.pattern().resourceType() != ResourceType.TOPIC) {
        continue;
      }
      boolean writes =
          Set.of(AclOperation.WRITE, AclOperation.ALL).contains(rule.entry().operation());
      boolean covers =
          DOOR_OPENING_TOPICS.stream()
              .anyMatch(
                  t ->
                      rule.pattern().patternType() == PatternType.PREFIXED
                          ? t.startsWith(rule.pattern().name())
                          : t.equals(rule.pattern().name()) || "*".equals(rule.pattern().name()));
      if (writes && covers) {
        assertEquals(
            "User:processor", rule.entry().principal(), "who may write decisions: " + rule);
      }
    }
  }

  @Test
  void onlyTheProcessorMayReadFacesOrTemplates() throws IOException {
    for (AclBinding rule : AclFile.read(SecuredBroker.aclFile())) {
      String name = rule.pattern().name();
      boolean biometric =
          rule.pattern().resourceType() == ResourceType.TOPIC
              && (Set.of("camera-frames", "embedding-store", "enrollments", "*").contains(name));
      boolean reads =
          Set.of(AclOperation.READ, AclOperation.ALL).contains(rule.entry().operation());
      if (biometric && reads) {
        assertEquals(
            "User:processor", rule.entry().principal(), "who may read biometric data: " + rule);
      }
    }
  }

  @Test
  void badLinesAreRejectedNamingTheLine() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                AclFile.parse(
                    List.of(
                        "# comment",
                        "User:camera WRITE TOPIC LITERAL camera-frames",
                        "User:door READ TOPC LITERAL x"),
                    "f"));
    assertTrue(e.getMessage().startsWith("f:3:"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> AclFile.parse(List.of("camera WRITE TOPIC LITERAL x"), "f"));
    assertThrows(
        IllegalArgumentException.class,
        () -> AclFile.parse(List.of("User:a WRITE TOPIC MATCH x"), "f"));
    assertThrows(
        IllegalArgumentException.class,
        () -> AclFile.parse(List.of("User:a ANY TOPIC LITERAL x"), "f"));
    assertThrows(
        IllegalArgumentException.class,
        () -> AclFile.parse(List.of("User:a WRITE TOPIC LITERAL x y"), "f"));
  }

  /**
   * deploy/acls.sh and AclFile read the same file the same way: the script prints what the test
   * applies.
   */
  @Test
  void shellScriptAppliesExactlyTheRulesTheTestApplies() throws IOException, InterruptedException {
    Path script = SecuredBroker.aclFile().getParent().getParent().resolve("acls.sh");
    Process p;
    try {
      p =
          new ProcessBuilder("bash", script.toString(), "--print")
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      assumeTrue(false, "bash not available: " + e.getMessage());
      return;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    Set<String> fromScript = out.lines().filter(l -> !l.isBlank()).collect(Collectors.toSet());
    Set<String> fromJava =
        AclFile.read(SecuredBroker.aclFile()).stream()
            .map(AclFileTest::asKafkaAclsArguments)
            .collect(Collectors.toSet());
    assertEquals(fromJava, fromScript);
    assertEquals(
        AclFile.read(SecuredBroker.aclFile()).size(),
        out.lines().filter(l -> !l.isBlank()).count());
  }

  @Test
  void scriptRejectsAMalformedFile() throws IOException, InterruptedException {
    Path bad = Files.createTempFile("acls", ".conf");
    try {
      Files.writeString(bad, "User:camera WRITE QUEUE LITERAL x\n");
      Path script = SecuredBroker.aclFile().getParent().getParent().resolve("acls.sh");
      ProcessBuilder pb =
          new ProcessBuilder("bash", script.toString(), "--print").redirectErrorStream(true);
      pb.environment().put("ACL_FILE", bad.toString());
      Process p = pb.start();
      p.getInputStream().readAllBytes();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertFalse(p.exitValue() == 0, "a bad resource type must fail the script");
    } finally {
      Files.deleteIfExists(bad);
    }
  }

  /** The kafka-acls.sh arguments one rule stands for, spelled as deploy/acls.sh spells them. */
  private static String asKafkaAclsArguments(AclBinding rule) {
    String resource =
        switch (rule.pattern().resourceType()) {
          case TOPIC -> "--topic " + rule.pattern().name();
          case GROUP -> "--group " + rule.pattern().name();
          case TRANSACTIONAL_ID -> "--transactional-id " + rule.pattern().name();
          case CLUSTER -> "--cluster";
          default -> throw new IllegalArgumentException(rule.toString());
        };
    StringBuilder op = new StringBuilder();
    for (String part : rule.entry().operation().name().split("_")) {
      op.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return "--allow-principal "
        + rule.entry().principal()
        + " --operation "
        + op
        + " "
        + resource
        + " --resource-pattern-type "
        + rule.pattern().patternType().name().toLowerCase(Locale.ROOT);
  }
}
