package io.facegate.platform.security;

import io.facegate.platform.broker.BrokerSettings;
import io.facegate.platform.broker.EmbeddedKafkaBroker;
import io.facegate.platform.config.KafkaClientSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * An in-process KRaft broker secured like production: SASL/SCRAM-SHA-512 on the client listener,
 * the standard (KRaft) authorizer with only {@code admin} as super user, and no access where no
 * ACL allows it. The controller listener uses SASL/PLAIN (SCRAM cannot authenticate controller
 * connections) so that no anonymous principal needs super-user rights.
 */
final class SecuredBroker implements AutoCloseable {
    static final String ADMIN = "admin";
    static final List<String> PRINCIPALS = List.of("camera", "enroller", "processor", "door", "auditor");
    static final List<String> TOPICS = List.of(
            "camera-frames", "enrollments", "embedding-store", "access-decisions", "access-granted", "dead-letters");
    static final int PARTITIONS = 3;

    private final EmbeddedKafkaBroker broker;

    private SecuredBroker(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    static SecuredBroker start() throws ExecutionException, InterruptedException, IOException {
        String adminPassword = password(ADMIN);
        String scramJaas = jaas("org.apache.kafka.common.security.scram.ScramLoginModule", ADMIN, adminPassword, "");
        String plainJaas = jaas("org.apache.kafka.common.security.plain.PlainLoginModule", ADMIN, adminPassword,
                " user_" + ADMIN + "=\"" + escape(adminPassword) + "\"");
        Map<String, String> extra = Map.ofEntries(
                Map.entry("listener.security.protocol.map", "BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT"),
                Map.entry("listener.name.broker.sasl.enabled.mechanisms", "SCRAM-SHA-512"),
                Map.entry("listener.name.broker.scram-sha-512.sasl.jaas.config", scramJaas),
                Map.entry("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512"),
                Map.entry("listener.name.controller.sasl.enabled.mechanisms", "PLAIN"),
                Map.entry("listener.name.controller.plain.sasl.jaas.config", plainJaas),
                Map.entry("sasl.mechanism.controller.protocol", "PLAIN"),
                Map.entry("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer"),
                Map.entry("super.users", "User:" + ADMIN),
                Map.entry("allow.everyone.if.no.acl.found", "false"));
        Properties adminClient = clientSettings(ADMIN).toProperties();
        Map<String, String> overrides = new HashMap<>();
        adminClient.forEach((k, v) -> overrides.put((String) k, (String) v));
        overrides.remove("bootstrap.servers");
        BrokerSettings settings = new BrokerSettings(null, 0, extra,
                List.of("--add-scram", "SCRAM-SHA-512=[name=" + ADMIN + ",password=" + adminPassword + "]"),
                overrides);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(settings);
        SecuredBroker secured = new SecuredBroker(broker);
        try (Admin admin = Admin.create(secured.clientProperties(ADMIN))) {
            List<UserScramCredentialAlteration> users = new ArrayList<>();
            for (String p : PRINCIPALS) {
                users.add(new UserScramCredentialUpsertion(p,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password(p)));
            }
            admin.alterUserScramCredentials(users).all().get();
            List<NewTopic> topics = new ArrayList<>();
            for (String t : TOPICS) {
                NewTopic topic = new NewTopic(t, PARTITIONS, (short) 1);
                if (t.equals("embedding-store")) {
                    topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                }
                topics.add(topic);
            }
            admin.createTopics(topics).all().get();
            List<AclBinding> rules = AclFile.read(aclFile());
            AclFile.apply(admin, rules);
            awaitAclsVisible(admin, rules.size());
        } catch (RuntimeException | ExecutionException | InterruptedException | IOException e) {
            broker.close();
            throw e;
        }
        return secured;
    }

    /**
     * The controller commits ACLs before the broker's authorizer has replayed them from the metadata
     * log; DescribeAcls is answered by the broker, so once it lists them all they are enforced.
     */
    private static void awaitAclsVisible(Admin admin, int expected) throws ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (admin.describeAcls(AclBindingFilter.ANY).values().get().size() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("broker did not show all " + expected + " ACLs within 30 s");
            }
            Thread.sleep(50);
        }
    }

    /** Per-principal test password. */
    static String password(String principal) {
        return principal + "-secret-7Qx2";
    }

    static KafkaClientSettings clientSettings(String principal, String password, String bootstrap) {
        return new KafkaClientSettings(bootstrap, SecurityProtocol.SASL_PLAINTEXT,
                Optional.of(new KafkaClientSettings.Sasl("SCRAM-SHA-512", principal, password)), Optional.empty());
    }

    private static KafkaClientSettings clientSettings(String principal) {
        // the broker is not started yet: a placeholder address, replaced in clientProperties()
        return clientSettings(principal, password(principal), "127.0.0.1:9");
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
        throw new IllegalStateException("deploy/kafka/acls.conf not found above " + Path.of("").toAbsolutePath());
    }

    private static String jaas(String module, String user, String password, String extra) {
        return module + " required username=\"" + escape(user) + "\" password=\"" + escape(password) + "\"" + extra + ";";
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public void close() {
        broker.close();
    }
}
