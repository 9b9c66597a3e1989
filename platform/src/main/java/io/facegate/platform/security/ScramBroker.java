package io.facegate.platform.security;

import io.facegate.platform.broker.BrokerSettings;
import io.facegate.platform.config.KafkaClientSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * Settings that secure an {@link io.facegate.platform.broker.EmbeddedKafkaBroker} like a production
 * cluster: SASL/SCRAM-SHA-512 on the client listener, the standard KRaft authorizer with one super
 * user, and no access where no ACL allows it. The controller listener uses SASL/PLAIN (SCRAM cannot
 * authenticate controller connections), so no anonymous principal needs super-user rights. For
 * integration tests of ACLs and for trying the ACL set locally.
 */
public final class ScramBroker {
  /** The only SASL mechanism clients use. */
  public static final String MECHANISM = "SCRAM-SHA-512";

  private static final int ITERATIONS = 8192;

  private ScramBroker() {}

  /**
   * Broker settings (temporary log dir, free port) with {@code admin} as super user, whose SCRAM
   * credential is written at format time so the broker can authenticate to itself.
   */
  public static BrokerSettings settings(String admin, String adminPassword) {
    requireSimple(admin, "admin user");
    requireSimple(adminPassword, "admin password");
    String scram =
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + admin
            + "\" password=\""
            + adminPassword
            + "\";";
    String plain =
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + admin
            + "\" password=\""
            + adminPassword
            + "\" user_"
            + admin
            + "=\""
            + adminPassword
            + "\";";
    Map<String, String> extra =
        Map.ofEntries(
            Map.entry(
                "listener.security.protocol.map",
                "BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT"),
            Map.entry("listener.name.broker.sasl.enabled.mechanisms", MECHANISM),
            Map.entry("listener.name.broker.scram-sha-512.sasl.jaas.config", scram),
            Map.entry("sasl.mechanism.inter.broker.protocol", MECHANISM),
            Map.entry("listener.name.controller.sasl.enabled.mechanisms", "PLAIN"),
            Map.entry("listener.name.controller.plain.sasl.jaas.config", plain),
            Map.entry("sasl.mechanism.controller.protocol", "PLAIN"),
            Map.entry(
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer"),
            Map.entry("super.users", "User:" + admin),
            Map.entry("allow.everyone.if.no.acl.found", "false"));
    Map<String, String> clientOverrides = new HashMap<>();
    client("127.0.0.1:9", admin, adminPassword)
        .toProperties()
        .forEach((k, v) -> clientOverrides.put((String) k, (String) v));
    clientOverrides.remove("bootstrap.servers");
    return new BrokerSettings(
        null,
        0,
        extra,
        List.of("--add-scram", MECHANISM + "=[name=" + admin + ",password=" + adminPassword + "]"),
        clientOverrides);
  }

  /** Client settings that authenticate as {@code user} over SASL_PLAINTEXT with SCRAM-SHA-512. */
  public static KafkaClientSettings client(String bootstrapServers, String user, String password) {
    return new KafkaClientSettings(
        bootstrapServers,
        SecurityProtocol.SASL_PLAINTEXT,
        Optional.of(new KafkaClientSettings.Sasl(MECHANISM, user, password)),
        Optional.empty());
  }

  /** Creates or updates SCRAM-SHA-512 credentials (user -> password) through the Admin API. */
  public static void upsertUsers(Admin admin, Map<String, String> passwords)
      throws ExecutionException, InterruptedException {
    List<UserScramCredentialAlteration> users = new ArrayList<>();
    passwords.forEach(
        (user, password) ->
            users.add(
                new UserScramCredentialUpsertion(
                    user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS),
                    password)));
    admin.alterUserScramCredentials(users).all().get();
  }

  // the values end up inside JAAS strings and the storage tool's [name=..,password=..] syntax
  private static void requireSimple(String value, String what) {
    if (value == null || !value.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(what + " must be 1-64 of [A-Za-z0-9._-]");
    }
  }
}
