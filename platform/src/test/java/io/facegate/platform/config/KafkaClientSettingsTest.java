package io.facegate.platform.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientSettingsTest {

  @TempDir Path dir;

  @Test
  void plaintextDefaultsFromBootstrapOnly() {
    KafkaClientSettings settings =
        KafkaClientSettings.fromMap(Map.of("kafka.bootstrap.servers", "127.0.0.1:9092"));

    Properties props = settings.toProperties();

    assertEquals(SecurityProtocol.PLAINTEXT, settings.securityProtocol());
    assertEquals("127.0.0.1:9092", props.get("bootstrap.servers"));
    assertEquals("PLAINTEXT", props.get("security.protocol"));
    assertEquals(2, props.size());
  }

  @Test
  void missingBootstrapNamesTheKey() {
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> KafkaClientSettings.fromMap(Map.of()));

    assertEquals("kafka.bootstrap.servers", e.key());
  }

  @Test
  void rejectsBootstrapWithoutPort() {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () -> KafkaClientSettings.fromMap(Map.of("kafka.bootstrap.servers", "a:9092,b")));

    assertEquals("kafka.bootstrap.servers", e.key());
    assertTrue(e.getMessage().contains("'b'"), e.getMessage());
  }

  @Test
  void rejectsUnknownProtocolNamingTheKey() {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () ->
                KafkaClientSettings.fromMap(
                    Map.of("kafka.bootstrap.servers", "h:1", "kafka.security.protocol", "TLS")));

    assertEquals("kafka.security.protocol", e.key());
  }

  @Test
  void saslScramBecomesAParsableJaasConfigWithEscapedCredentials() {
    Map<String, String> config =
        Map.of(
            "kafka.bootstrap.servers", "h:9093",
            "kafka.security.protocol", "sasl_plaintext",
            "kafka.sasl.mechanism", "scram-sha-512",
            "kafka.sasl.username", "camera-1",
            "kafka.sasl.password", "p\"a\\ss");

    KafkaClientSettings settings = KafkaClientSettings.fromMap(config);
    Properties props = settings.toProperties();

    assertEquals("SASL_PLAINTEXT", props.get("security.protocol"));
    assertEquals("SCRAM-SHA-512", props.get("sasl.mechanism"));
    String jaas = (String) props.get("sasl.jaas.config");
    // Kafka's own parser must read back exactly the credentials we put in
    var entry =
        JaasContext.loadClientContext(Map.of("sasl.jaas.config", new Password(jaas)))
            .configurationEntries()
            .get(0);
    assertEquals(
        "org.apache.kafka.common.security.scram.ScramLoginModule", entry.getLoginModuleName());
    assertEquals("camera-1", entry.getOptions().get("username"));
    assertEquals("p\"a\\ss", entry.getOptions().get("password"));
  }

  @Test
  void saslProtocolWithoutMechanismIsRejected() {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () ->
                KafkaClientSettings.fromMap(
                    Map.of(
                        "kafka.bootstrap.servers", "h:1", "kafka.security.protocol", "SASL_SSL")));

    assertEquals("kafka.sasl.mechanism", e.key());
  }

  @Test
  void saslMechanismWithoutPasswordNamesThePasswordKey() {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () ->
                KafkaClientSettings.fromMap(
                    Map.of(
                        "kafka.bootstrap.servers",
                        "h:1",
                        "kafka.security.protocol",
                        "SASL_SSL",
                        "kafka.sasl.mechanism",
                        "PLAIN",
                        "kafka.sasl.username",
                        "u")));

    assertEquals("kafka.sasl.password", e.key());
  }

  @Test
  void saslSettingsOnPlaintextAreRejectedRatherThanSilentlyIgnored() {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () ->
                KafkaClientSettings.fromMap(
                    Map.of(
                        "kafka.bootstrap.servers",
                        "h:1",
                        "kafka.sasl.mechanism",
                        "PLAIN",
                        "kafka.sasl.username",
                        "u",
                        "kafka.sasl.password",
                        "p")));

    assertEquals("kafka.sasl.mechanism", e.key());
  }

  @Test
  void tlsStoresBecomeSslProperties() throws IOException {
    Path trust = Files.createFile(dir.resolve("trust.p12"));
    Path keys = Files.createFile(dir.resolve("keys.jks"));
    Map<String, String> config = new HashMap<>();
    config.put("kafka.bootstrap.servers", "h:9094");
    config.put("kafka.security.protocol", "SSL");
    config.put("kafka.ssl.truststore.location", trust.toString());
    config.put("kafka.ssl.truststore.password", "tpw");
    config.put("kafka.ssl.keystore.location", keys.toString());
    config.put("kafka.ssl.keystore.password", "kpw");
    config.put("kafka.ssl.keystore.type", "PKCS12");
    config.put("kafka.ssl.key.password", "keypw");

    Properties props = KafkaClientSettings.fromMap(config).toProperties();

    assertEquals(trust.toString(), props.get("ssl.truststore.location"));
    assertEquals("JKS", props.get("ssl.truststore.type"), "Kafka's default type");
    assertEquals("tpw", props.get("ssl.truststore.password"));
    assertEquals(keys.toString(), props.get("ssl.keystore.location"));
    assertEquals("PKCS12", props.get("ssl.keystore.type"));
    assertEquals("kpw", props.get("ssl.keystore.password"));
    assertEquals("keypw", props.get("ssl.key.password"));
  }

  @Test
  void unreadableTruststoreFailsAtStartupNamingTheKey() {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () ->
                KafkaClientSettings.fromMap(
                    Map.of(
                        "kafka.bootstrap.servers",
                        "h:1",
                        "kafka.security.protocol",
                        "SSL",
                        "kafka.ssl.truststore.location",
                        dir.resolve("missing.p12").toString())));

    assertEquals("kafka.ssl.truststore.location", e.key());
  }

  @Test
  void toStringHidesSecrets() {
    KafkaClientSettings settings =
        KafkaClientSettings.fromMap(
            Map.of(
                "kafka.bootstrap.servers",
                "h:1",
                "kafka.security.protocol",
                "SASL_PLAINTEXT",
                "kafka.sasl.mechanism",
                "PLAIN",
                "kafka.sasl.username",
                "u",
                "kafka.sasl.password",
                "hunter2"));

    assertFalse(settings.toString().contains("hunter2"), settings.toString());
  }
}
