package io.facegate.platform.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.platform.broker.BrokerSettings;
import io.facegate.platform.broker.EmbeddedKafkaBroker;
import io.facegate.platform.config.ConfigSource;
import io.facegate.platform.config.KafkaClientSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SASL_SSL end to end: the broker's client listener speaks TLS (a certificate made with the JDK's
 * keytool for 127.0.0.1) plus SCRAM; a facegate client configured only through FACEGATE_* variables
 * ({@link KafkaClientSettings}) connects, authenticates and produces; clients that do not trust the
 * broker's certificate, or do not speak TLS, get nowhere.
 */
class KafkaTlsIT {
  private static final String STORE_PASSWORD = "store-pw-42";
  @TempDir static Path dir;
  private static EmbeddedKafkaBroker broker;
  private static Path truststore;

  @BeforeAll
  static void start() throws Exception {
    Path keystore = dir.resolve("broker.p12");
    Path cert = dir.resolve("broker.crt");
    truststore = dir.resolve("truststore.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "broker",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-keystore",
        keystore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        STORE_PASSWORD,
        "-keypass",
        STORE_PASSWORD);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "broker",
        "-keystore",
        keystore.toString(),
        "-storepass",
        STORE_PASSWORD,
        "-file",
        cert.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "facegate-ca",
        "-file",
        cert.toString(),
        "-keystore",
        truststore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        STORE_PASSWORD);

    BrokerSettings scram = ScramBroker.settings("admin", "admin-pw");
    Map<String, String> extra = new HashMap<>(scram.extra());
    extra.put("listener.security.protocol.map", "BROKER:SASL_SSL,CONTROLLER:SASL_PLAINTEXT");
    extra.put("listener.name.broker.ssl.keystore.location", keystore.toString());
    extra.put("listener.name.broker.ssl.keystore.password", STORE_PASSWORD);
    extra.put("listener.name.broker.ssl.keystore.type", "PKCS12");
    extra.put("listener.name.broker.ssl.key.password", STORE_PASSWORD);
    // the broker connects to itself over this listener too
    extra.put("listener.name.broker.ssl.truststore.location", truststore.toString());
    extra.put("listener.name.broker.ssl.truststore.password", STORE_PASSWORD);
    extra.put("listener.name.broker.ssl.truststore.type", "PKCS12");
    Map<String, String> client = new HashMap<>(scram.clientOverrides());
    client.put("security.protocol", "SASL_SSL");
    client.put("ssl.truststore.location", truststore.toString());
    client.put("ssl.truststore.password", STORE_PASSWORD);
    client.put("ssl.truststore.type", "PKCS12");
    broker =
        EmbeddedKafkaBroker.start(
            new BrokerSettings(null, 0, extra, scram.formatArguments(), client));
    try (Admin admin = Admin.create(broker.clientProperties())) {
      ScramBroker.upsertUsers(admin, Map.of("camera", "camera-pw"));
      admin.createTopics(List.of(new NewTopic("camera-frames", 1, (short) 1))).all().get();
      AclFile.apply(admin, AclFile.read(SecuredBroker.aclFile()));
    }
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void clientConfiguredFromEnvironmentConnectsOverSaslSsl() throws Exception {
    Map<String, String> env =
        Map.of(
            "FACEGATE_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
            "FACEGATE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
            "FACEGATE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
            "FACEGATE_KAFKA_SASL_USERNAME", "camera",
            "FACEGATE_KAFKA_SASL_PASSWORD", "camera-pw",
            "FACEGATE_KAFKA_SSL_TRUSTSTORE_LOCATION", truststore.toString(),
            "FACEGATE_KAFKA_SSL_TRUSTSTORE_PASSWORD", STORE_PASSWORD,
            "FACEGATE_KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12");
    KafkaClientSettings settings =
        KafkaClientSettings.fromMap(ConfigSource.load(Optional.empty(), env));
    Properties p = settings.toProperties();
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    try (KafkaProducer<String, byte[]> camera =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      RecordMetadata m =
          camera
              .send(
                  new ProducerRecord<>(
                      "camera-frames", "door-1", "event".getBytes(StandardCharsets.UTF_8)))
              .get(20, TimeUnit.SECONDS);
      assertEquals("camera-frames", m.topic());
    }
  }

  @Test
  void clientThatDoesNotTrustTheBrokerCertificateIsRejected() {
    // no truststore: the JVM's default CAs do not know the broker's certificate
    Properties p =
        ScramBroker.client(broker.bootstrapServers(), "camera", "camera-pw").toProperties();
    p.put("security.protocol", "SASL_SSL");
    ExecutionException e = describeCluster(p);
    assertTrue(e.getCause() instanceof SslAuthenticationException, "cause: " + e.getCause());
  }

  @Test
  void clientWithoutTlsCannotTalkToTheListener() {
    Properties p =
        ScramBroker.client(broker.bootstrapServers(), "camera", "camera-pw").toProperties();
    ExecutionException e = describeCluster(p);
    assertTrue(e.getCause() != null, "a SASL_PLAINTEXT client must not reach a SASL_SSL listener");
  }

  private static ExecutionException describeCluster(Properties p) {
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "6000");
    try (Admin admin = Admin.create(p)) {
      return assertThrows(
          ExecutionException.class,
          () -> admin.describeCluster().nodes().get(20, TimeUnit.SECONDS));
    }
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }
}
