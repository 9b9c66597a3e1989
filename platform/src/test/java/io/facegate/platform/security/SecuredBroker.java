package io.facegate.platform.security;

import io.facegate.platform.broker.EmbeddedKafkaBroker;
import io.facegate.platform.config.KafkaClientSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * An in-process KRaft broker secured by {@link ScramBroker} (SASL/SCRAM, standard authorizer, only
 * {@code admin} super), with one SCRAM user per facegate role, the six topics, and the ACL set of
 * {@code deploy/kafka/acls.conf} applied.
 */
final class SecuredBroker implements AutoCloseable {
  static final String ADMIN = "admin";
  static final List<String> PRINCIPALS =
      List.of("camera", "enroller", "processor", "door", "auditor");
  static final List<String> TOPICS =
      List.of(
          "camera-frames",
          "enrollments",
          "embedding-store",
          "access-decisions",
          "access-granted",
          "dead-letters");
  static final int PARTITIONS = 3;

  private final EmbeddedKafkaBroker broker;

  private SecuredBroker(EmbeddedKafkaBroker broker) {
    this.broker = broker;
  }

  static SecuredBroker start() throws ExecutionException, InterruptedException, IOException {
    EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(ScramBroker.settings(ADMIN, password(ADMIN)));
    SecuredBroker secured = new SecuredBroker(broker);
    try (Admin admin = Admin.create(secured.clientProperties(ADMIN))) {
      Map<String, String> users = new HashMap<>();
      PRINCIPALS.forEach(p -> users.put(p, password(p)));
      ScramBroker.upsertUsers(admin, users);
      List<NewTopic> topics = new ArrayList<>();
      for (String t : TOPICS) {
        NewTopic topic = new NewTopic(t, PARTITIONS, (short) 1);
        if (t.equals("embedding-store")) {
          topic.configs(
              Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        topics.add(topic);
      }
      admin.createTopics(topics).all().get();
      AclFile.apply(admin, AclFile.read(aclFile()));
    } catch (RuntimeException | ExecutionException | InterruptedException | IOException e) {
      broker.close();
      throw e;
    }
    return secured;
  }

  /** Per-principal test password. */
  static String password(String principal) {
    return principal + "-secret-7Qx2";
  }

  static KafkaClientSettings clientSettings(String principal, String password, String bootstrap) {
    return ScramBroker.client(bootstrap, principal, password);
  }

  /** Client properties that authenticate as {@code principal}. */
  Properties clientProperties(String principal) {
    return clientSettings(principal, password(principal), broker.bootstrapServers()).toProperties();
  }

  String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** deploy/kafka/acls.conf of this checkout: the very file deploy/acls.sh applies. */
  static Path aclFile() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("deploy/kafka/acls.conf");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "deploy/kafka/acls.conf not found above " + Path.of("").toAbsolutePath());
  }

  @Override
  public void close() {
    broker.close();
  }
}
