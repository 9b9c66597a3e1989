package io.facegate.schemas.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * The Confluent Schema Registry REST API over {@link HttpClient}: {@code POST
 * /subjects/{s}/versions} and {@code GET /schemas/ids/{id}} below the configured base URL (which
 * may carry a path, e.g. Apicurio's {@code /apis/ccompat/v7}).
 */
final class HttpRegistryBackend implements RegistryBackend {
  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String ACCEPT =
      CONTENT_TYPE + ", application/vnd.schemaregistry+json; qs=0.9, " + "application/json; qs=0.5";

  /** Registry answers are small; a larger body means we are not talking to a registry. */
  private static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryConfig config;
  private final String base;
  private final Optional<String> authorization;
  private final HttpClient http;

  HttpRegistryBackend(RegistryConfig config) {
    this.config = config;
    String url = config.url().toString();
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.authorization =
        config
            .basicAuth()
            .map(
                a ->
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(
                                (a.user() + ":" + a.password()).getBytes(StandardCharsets.UTF_8)));
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .connectTimeout(config.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER);
    if (config.truststore().isPresent() || config.keystore().isPresent()) {
      builder.sslContext(sslContext(config));
    }
    this.http = builder.build();
  }

  @Override
  public int register(String subject, Schema schema) {
    String path = "/subjects/" + encode(subject) + "/versions";
    String body = JSON.createObjectNode().put("schema", schema.toString()).toString();
    HttpRequest request =
        request(path)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .header("Content-Type", CONTENT_TYPE)
            .build();
    JsonNode answer = send(request, "POST " + path);
    JsonNode id = answer.get("id");
    if (id == null || !id.canConvertToInt()) {
      throw new SchemaRegistryException(
          describe()
              + ": POST "
              + path
              + " answered without an integer id: "
              + abbreviate(answer.toString()),
          null);
    }
    return id.intValue();
  }

  @Override
  public Schema schemaById(int id) {
    String path = "/schemas/ids/" + id;
    JsonNode answer = send(request(path).GET().build(), "GET " + path);
    JsonNode type = answer.get("schemaType");
    if (type != null && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
      throw new SchemaRegistryException(
          describe() + ": schema id " + id + " is " + type.asText() + ", not AVRO", null);
    }
    JsonNode text = answer.get("schema");
    if (text == null || !text.isTextual()) {
      throw new SchemaRegistryException(
          describe()
              + ": GET "
              + path
              + " answered without a schema: "
              + abbreviate(answer.toString()),
          null);
    }
    try {
      return new Schema.Parser().parse(text.asText());
    } catch (AvroRuntimeException e) {
      throw new SchemaRegistryException(
          describe()
              + ": schema id "
              + id
              + " is not a standalone Avro schema"
              + " (schema references are not supported): "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public String describe() {
    return base;
  }

  @Override
  public void close() {
    // HttpClient has no close() on Java 17; its connections are released when it is collected.
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(config.requestTimeout())
            .header("Accept", ACCEPT);
    authorization.ifPresent(a -> b.header("Authorization", a));
    return b;
  }

  private JsonNode send(HttpRequest request, String what) {
    HttpResponse<InputStream> response;
    String body;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
          throw new SchemaRegistryException(
              describe() + ": " + what + " answered with more than " + MAX_BODY_BYTES + " bytes",
              response.statusCode(),
              SchemaRegistryException.NONE);
        }
        body = new String(bytes, StandardCharsets.UTF_8);
      }
    } catch (HttpConnectTimeoutException e) {
      throw new SchemaRegistryException(
          "cannot connect to schema registry at "
              + describe()
              + " within "
              + config.connectTimeout().toMillis()
              + " ms ("
              + what
              + ")",
          e);
    } catch (HttpTimeoutException e) {
      throw new SchemaRegistryException(
          "schema registry at "
              + describe()
              + " did not answer "
              + what
              + " within "
              + config.requestTimeout().toMillis()
              + " ms",
          e);
    } catch (ConnectException e) {
      throw new SchemaRegistryException(
          "cannot connect to schema registry at "
              + describe()
              + " ("
              + what
              + "): "
              + (e.getMessage() == null ? "connection refused" : e.getMessage()),
          e);
    } catch (IOException e) {
      throw new SchemaRegistryException(
          "schema registry at " + describe() + " failed on " + what + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException(
          "interrupted while calling schema registry at " + describe() + " (" + what + ")", e);
    }
    int status = response.statusCode();
    JsonNode json = parse(body);
    if (status / 100 != 2) {
      int code = SchemaRegistryException.NONE;
      String message = abbreviate(body);
      if (json != null && json.has("error_code")) {
        code = json.get("error_code").asInt(SchemaRegistryException.NONE);
        message = json.path("message").asText(message);
      }
      throw new SchemaRegistryException(
          describe()
              + ": "
              + what
              + " failed: HTTP "
              + status
              + (code == SchemaRegistryException.NONE ? "" : ", error_code " + code)
              + ": "
              + message,
          status,
          code);
    }
    if (json == null || !json.isObject()) {
      throw new SchemaRegistryException(
          describe()
              + ": "
              + what
              + " answered HTTP "
              + status
              + " with something that is not a JSON object: "
              + abbreviate(body),
          status,
          SchemaRegistryException.NONE);
    }
    return json;
  }

  private static JsonNode parse(String body) {
    try {
      return body.isBlank() ? null : JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static String abbreviate(String text) {
    String oneLine = text.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static SSLContext sslContext(RegistryConfig config) {
    try {
      TrustManagerFactory tmf = null;
      if (config.truststore().isPresent()) {
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(config.truststore().get()));
      }
      KeyManagerFactory kmf = null;
      if (config.keystore().isPresent()) {
        RegistryConfig.StoreSettings ks = config.keystore().get();
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        String keyPassword = ks.keyPassword() != null ? ks.keyPassword() : ks.password();
        kmf.init(load(ks), keyPassword == null ? null : keyPassword.toCharArray());
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          kmf == null ? null : kmf.getKeyManagers(),
          tmf == null ? null : tmf.getTrustManagers(),
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          RegistryConfig.SSL_PREFIX + "*: cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static KeyStore load(RegistryConfig.StoreSettings s) {
    String key = s.role().prefix + "location";
    try (InputStream in = Files.newInputStream(s.location())) {
      KeyStore store = KeyStore.getInstance(s.type());
      store.load(in, s.password() == null ? null : s.password().toCharArray());
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          key + ": cannot load " + s.type() + " store " + s.location() + ": " + e.getMessage(), e);
    }
  }
}
