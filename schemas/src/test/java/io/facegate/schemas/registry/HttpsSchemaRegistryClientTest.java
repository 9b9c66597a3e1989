package io.facegate.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.facegate.schemas.FaceEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS settings end to end: an https fake registry with a self-signed certificate (made with the
 * JDK's keytool) that also demands a client certificate.
 */
class HttpsSchemaRegistryClientTest {
  private static final String PW = "changeit";
  @TempDir static Path dir;
  private static HttpsServer server;

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }

  private static void keyPair(String alias, Path store) throws IOException, InterruptedException {
    keytool(
        "-genkeypair",
        "-alias",
        alias,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=" + alias,
        "-ext",
        "SAN=ip:127.0.0.1",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        store.toString(),
        "-storepass",
        PW,
        "-keypass",
        PW);
  }

  private static KeyStore load(Path p) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p)) {
      ks.load(in, PW.toCharArray());
    }
    return ks;
  }

  @BeforeAll
  static void startHttpsRegistry() throws Exception {
    keyPair("registry", dir.resolve("server.p12"));
    keyPair("client", dir.resolve("client.p12"));
    // Each side trusts the other's self-signed certificate: a key store's certificates serve as
    // trust anchors.

    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(load(dir.resolve("server.p12")), PW.toCharArray());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(load(dir.resolve("client.p12")));
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(
        new HttpsConfigurator(ssl) {
          @Override
          public void configure(HttpsParameters params) {
            var p = ssl.getDefaultSSLParameters();
            p.setNeedClientAuth(true);
            params.setSSLParameters(p);
          }
        });
    byte[] body =
        new ObjectMapper()
            .createObjectNode()
            .put("schema", FaceEvent.getClassSchema().toString())
            .toString()
            .getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/",
        ex -> {
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  private static Map<String, String> trusting() {
    Map<String, String> props = new HashMap<>();
    props.put("schema.registry.url", url());
    props.put("schema.registry.ssl.truststore.location", dir.resolve("server.p12").toString());
    props.put("schema.registry.ssl.truststore.password", PW);
    props.put("schema.registry.ssl.truststore.type", "PKCS12");
    return props;
  }

  @Test
  void mutualTlsWithConfiguredStoresWorks() {
    Map<String, String> props = trusting();
    props.put("schema.registry.ssl.keystore.location", dir.resolve("client.p12").toString());
    props.put("schema.registry.ssl.keystore.password", PW);
    props.put("schema.registry.ssl.keystore.type", "PKCS12");
    try (SchemaRegistryClient c = SchemaRegistryClients.create(RegistryConfig.fromMap(props))) {
      assertEquals(FaceEvent.getClassSchema(), c.schemaById(1));
    }
  }

  @Test
  void withoutTheTruststoreTheSelfSignedRegistryIsRefused() {
    try (SchemaRegistryClient c =
        SchemaRegistryClients.create(
            RegistryConfig.fromMap(Map.of("schema.registry.url", url())))) {
      SchemaRegistryException e =
          assertThrows(SchemaRegistryException.class, () -> c.schemaById(1));
      assertTrue(e.getMessage().contains(url()), e.getMessage());
    }
  }

  @Test
  void withoutAClientCertificateTheRegistryRefuses() {
    try (SchemaRegistryClient c =
        SchemaRegistryClients.create(RegistryConfig.fromMap(trusting()))) {
      SchemaRegistryException e =
          assertThrows(SchemaRegistryException.class, () -> c.schemaById(1));
      assertTrue(e.getMessage().contains(url()), e.getMessage());
    }
  }

  @Test
  void wrongStorePasswordNamesTheKey() {
    Map<String, String> props = trusting();
    props.put("schema.registry.ssl.truststore.password", "wrong");
    RegistryConfig config = RegistryConfig.fromMap(props);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SchemaRegistryClients.create(config));
    assertTrue(
        e.getMessage().startsWith("schema.registry.ssl.truststore.location:"), e.getMessage());
  }
}
