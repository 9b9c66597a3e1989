package io.facegate.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryConfigTest {
  @TempDir Path dir;

  private static String failure(Map<String, ?> props) {
    return assertThrows(IllegalArgumentException.class, () -> RegistryConfig.fromMap(props))
        .getMessage();
  }

  @Test
  void readsAllConfluentKeys() throws IOException {
    Path trust = Files.writeString(dir.resolve("trust.p12"), "x");
    Path keys = Files.writeString(dir.resolve("keys.p12"), "x");
    Map<String, Object> props = new HashMap<>();
    props.put("schema.registry.url", "https://registry.example:8443/apis/ccompat/v7");
    props.put("basic.auth.credentials.source", "USER_INFO");
    props.put("basic.auth.user.info", "svc:s3cr:et");
    props.put("schema.registry.ssl.truststore.location", trust.toString());
    props.put("schema.registry.ssl.truststore.password", new Password("trustpw"));
    props.put("schema.registry.ssl.truststore.type", "PKCS12");
    props.put("schema.registry.ssl.keystore.location", keys.toString());
    props.put("schema.registry.ssl.keystore.password", "keypw");
    props.put("schema.registry.ssl.keystore.type", "PKCS12");
    props.put("schema.registry.ssl.key.password", "kpw");
    props.put("http.connect.timeout.ms", 1500);
    props.put("http.read.timeout.ms", "2500");
    props.put("bootstrap.servers", "ignored:9092");

    RegistryConfig c = RegistryConfig.fromMap(props);

    assertEquals(URI.create("https://registry.example:8443/apis/ccompat/v7"), c.url());
    assertEquals(new RegistryConfig.BasicAuth("svc", "s3cr:et"), c.basicAuth().orElseThrow());
    assertEquals(trust, c.truststore().orElseThrow().location());
    assertEquals("trustpw", c.truststore().orElseThrow().password());
    assertEquals("PKCS12", c.truststore().orElseThrow().type());
    assertEquals("kpw", c.keystore().orElseThrow().keyPassword());
    assertEquals(Duration.ofMillis(1500), c.connectTimeout());
    assertEquals(Duration.ofMillis(2500), c.requestTimeout());
    assertFalse(c.isMock());
  }

  @Test
  void defaults() {
    RegistryConfig c =
        RegistryConfig.fromMap(Map.of("schema.registry.url", "http://localhost:8081"));
    assertEquals(Optional.empty(), c.basicAuth());
    assertEquals(Optional.empty(), c.truststore());
    assertEquals(RegistryConfig.DEFAULT_CONNECT_TIMEOUT, c.connectTimeout());
    assertEquals(RegistryConfig.DEFAULT_REQUEST_TIMEOUT, c.requestTimeout());
  }

  @Test
  void mockScope() {
    RegistryConfig c = RegistryConfig.fromMap(Map.of("schema.registry.url", "mock://my_tests"));
    assertTrue(c.isMock());
    assertEquals(Optional.of("my_tests"), c.mockScope());
    assertTrue(
        failure(Map.of("schema.registry.url", "mock://")).startsWith("schema.registry.url:"));
  }

  @Test
  void urlIsRequiredAndChecked() {
    assertEquals("schema.registry.url: required", failure(Map.of()));
    assertTrue(
        failure(Map.of("schema.registry.url", "ftp://x")).startsWith("schema.registry.url:"));
    assertTrue(failure(Map.of("schema.registry.url", "http://a:1,http://b:2")).contains("one URL"));
    assertTrue(
        failure(Map.of("schema.registry.url", "http://x y")).startsWith("schema.registry.url:"));
    assertTrue(
        failure(Map.of("schema.registry.url", "localhost:8081"))
            .startsWith("schema.registry.url:"));
  }

  @Test
  void credentialsInTheUrlMoveOutOfIt() {
    RegistryConfig c =
        RegistryConfig.fromMap(
            Map.of(
                "schema.registry.url",
                "http://bob:p%40ss@reg:8081",
                "basic.auth.credentials.source",
                "URL"));
    assertEquals(URI.create("http://reg:8081"), c.url());
    assertEquals(new RegistryConfig.BasicAuth("bob", "p@ss"), c.basicAuth().orElseThrow());
    assertFalse(c.toString().contains("p@ss"));
  }

  @Test
  void authErrorsNameTheKey() {
    assertTrue(
        failure(Map.of("schema.registry.url", "http://r", "basic.auth.user.info", "nocolon"))
            .startsWith("basic.auth.user.info:"));
    assertTrue(
        failure(
                Map.of(
                    "schema.registry.url",
                    "http://r",
                    "basic.auth.credentials.source",
                    "SASL_INHERIT"))
            .startsWith("basic.auth.credentials.source:"));
    assertTrue(
        failure(
                Map.of(
                    "schema.registry.url",
                    "http://r",
                    "basic.auth.credentials.source",
                    "USER_INFO"))
            .startsWith("basic.auth.user.info:"));
    assertTrue(
        failure(Map.of("schema.registry.url", "http://r", "basic.auth.credentials.source", "URL"))
            .startsWith("basic.auth.credentials.source"));
  }

  @Test
  void tlsErrorsNameTheKey() throws IOException {
    assertTrue(
        failure(
                Map.of(
                    "schema.registry.url",
                    "https://r",
                    "schema.registry.ssl.truststore.location",
                    dir.resolve("missing.jks").toString()))
            .startsWith("schema.registry.ssl.truststore.location:"));
    assertTrue(
        failure(
                Map.of(
                    "schema.registry.url",
                    "https://r",
                    "schema.registry.ssl.truststore.password",
                    "x"))
            .startsWith("schema.registry.ssl.truststore.password:"));
    Path file = Files.writeString(dir.resolve("k"), "x");
    assertTrue(
        failure(
                Map.of(
                    "schema.registry.url",
                    "https://r",
                    "schema.registry.ssl.keystore.location",
                    file.toString(),
                    "schema.registry.ssl.keystore.type",
                    "NOPE"))
            .startsWith("schema.registry.ssl.keystore.type:"));
  }

  @Test
  void timeoutErrorsNameTheKey() {
    assertTrue(
        failure(Map.of("schema.registry.url", "http://r", "http.connect.timeout.ms", "soon"))
            .startsWith("http.connect.timeout.ms:"));
    assertTrue(
        failure(Map.of("schema.registry.url", "http://r", "http.read.timeout.ms", "0"))
            .startsWith("http.read.timeout.ms:"));
  }

  @Test
  void toStringNeverShowsPasswords() throws IOException {
    Path trust = Files.writeString(dir.resolve("t"), "x");
    RegistryConfig c =
        RegistryConfig.fromMap(
            Map.of(
                "schema.registry.url",
                "https://r",
                "basic.auth.user.info",
                "u:hunter2",
                "schema.registry.ssl.truststore.location",
                trust.toString(),
                "schema.registry.ssl.truststore.password",
                "tpw-secret"));
    assertFalse(c.toString().contains("hunter2"), c.toString());
    assertFalse(c.toString().contains("tpw-secret"), c.toString());
    assertTrue(c.toString().contains("user=u"), c.toString());
  }

  @Test
  void compactConstructorChecksTooNotOnlyFromMap() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new RegistryConfig(
                    URI.create("http://r"),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Duration.ZERO,
                    Duration.ofSeconds(1)));
    assertTrue(e.getMessage().startsWith("http.connect.timeout.ms:"), e.getMessage());
    var creds =
        assertThrows(
            IllegalArgumentException.class, () -> RegistryConfig.of(URI.create("http://u:p@r")));
    assertTrue(creds.getMessage().startsWith("schema.registry.url:"), creds.getMessage());
  }
}
