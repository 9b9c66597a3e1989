package io.facegate.platform.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * facegate's Kafka ACL set, read from the text file {@code deploy/kafka/acls.conf} that {@code
 * deploy/acls.sh} also applies: one ALLOW rule per line, {@code principal operation resource-type
 * pattern-type name}, {@code #} comments. Everything not allowed is denied by the authorizer (no
 * {@code allow.everyone.if.no.acl.found}).
 */
public final class AclFile {
  /** Name Kafka gives the single cluster resource. */
  public static final String CLUSTER_RESOURCE_NAME = "kafka-cluster";

  private AclFile() {}

  /** Parses the file; the message names file and line of the first bad rule. */
  public static List<AclBinding> read(Path file) throws IOException {
    return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
  }

  /** Parses rule lines; {@code origin} names their source in error messages. */
  public static List<AclBinding> parse(List<String> lines, String origin) {
    List<AclBinding> rules = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      String where = origin + ":" + (i + 1);
      if (f.length != 5) {
        throw new IllegalArgumentException(
            where
                + ": expected 'principal operation resource-type pattern-type name', got: "
                + line);
      }
      if (!f[0].startsWith("User:") || f[0].length() == "User:".length()) {
        throw new IllegalArgumentException(where + ": principal must be User:<name>, got " + f[0]);
      }
      AclOperation op = parseEnum(AclOperation.class, f[1], where, "operation");
      ResourceType type = parseEnum(ResourceType.class, f[2], where, "resource-type");
      PatternType pattern = parseEnum(PatternType.class, f[3], where, "pattern-type");
      if (op == AclOperation.ANY
          || op == AclOperation.UNKNOWN
          || type == ResourceType.ANY
          || type == ResourceType.UNKNOWN
          || !pattern.isSpecific()) {
        throw new IllegalArgumentException(where + ": filters (ANY/MATCH) are not rules: " + line);
      }
      String name = type == ResourceType.CLUSTER ? CLUSTER_RESOURCE_NAME : f[4];
      rules.add(
          new AclBinding(
              new ResourcePattern(type, name, pattern),
              new AccessControlEntry(f[0], "*", op, AclPermissionType.ALLOW)));
    }
    return List.copyOf(rules);
  }

  /**
   * Creates the rules (idempotent: existing identical rules are kept) and waits until the broker
   * answering {@code admin} enforces all of them: the controller commits ACLs before a broker's
   * authorizer has replayed them from the metadata log, and DescribeAcls is answered from that
   * authorizer.
   */
  public static void apply(Admin admin, List<AclBinding> rules)
      throws InterruptedException, ExecutionException {
    admin.createAcls(rules).all().get();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!admin.describeAcls(AclBindingFilter.ANY).values().get().containsAll(rules)) {
      if (System.nanoTime() > deadline) {
        throw new ExecutionException(
            new IllegalStateException(
                "broker did not show all " + rules.size() + " ACLs within 30 s"));
      }
      Thread.sleep(50);
    }
  }

  private static <E extends Enum<E>> E parseEnum(
      Class<E> type, String value, String where, String what) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": unknown " + what + " " + value, e);
    }
  }
}
