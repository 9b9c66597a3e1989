package io.facegate.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A single-machine schema registry for {@code ./facegate broker}: the in-JVM {@code mock://}
 * registry served on 127.0.0.1 with the two calls facegate's clients make of the Confluent REST API
 * ({@code POST /subjects/{subject}/versions}, {@code GET /schemas/ids/{id}}), so that separate
 * processes (processor, publisher, replay) share schema ids. Not for production: no auth, no
 * persistence — a restarted broker gets a fresh registry.
 */
public final class LocalRegistryServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final Pattern REGISTER = Pattern.compile("^/subjects/([^/]+)/versions/?$");
  private static final Pattern BY_ID = Pattern.compile("^/schemas/ids/(\\d+)/?$");

  private final HttpServer server;
  private final ExecutorService executor;
  private final SchemaRegistryClient registry;

  private LocalRegistryServer(
      HttpServer server, ExecutorService executor, SchemaRegistryClient registry) {
    this.server = server;
    this.executor = executor;
    this.registry = registry;
  }

  /**
   * Starts serving the in-JVM registry of {@code mock://scope}.
   *
   * @param port port on 127.0.0.1; 0 picks a free one
   * @param scope the mock scope to serve
   * @throws IOException when the port cannot be bound
   */
  public static LocalRegistryServer start(int port, String scope) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "local-schema-registry");
              t.setDaemon(true);
              return t;
            });
    SchemaRegistryClient registry = SchemaRegistryClients.create(RegistryConfig.mock(scope));
    LocalRegistryServer local = new LocalRegistryServer(server, executor, registry);
    server.createContext("/", local::handle);
    server.setExecutor(executor);
    server.start();
    return local;
  }

  /**
   * @return {@code http://127.0.0.1:PORT}
   */
  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String method = exchange.getRequestMethod();
      Matcher register = REGISTER.matcher(path);
      Matcher byId = BY_ID.matcher(path);
      try {
        if ("POST".equals(method) && register.matches()) {
          String subject = URLDecoder.decode(register.group(1), StandardCharsets.UTF_8);
          JsonNode body;
          try (InputStream in = exchange.getRequestBody()) {
            body = JSON.readTree(in);
          }
          JsonNode text = body == null ? null : body.get("schema");
          if (text == null || !text.isTextual()) {
            answer(exchange, 422, error(42201, "body needs a 'schema' string"));
            return;
          }
          Schema schema = new Schema.Parser().parse(text.asText());
          answer(
              exchange,
              200,
              JSON.createObjectNode().put("id", registry.register(subject, schema)).toString());
        } else if ("GET".equals(method) && byId.matches()) {
          Schema schema = registry.schemaById(Integer.parseInt(byId.group(1)));
          answer(
              exchange, 200, JSON.createObjectNode().put("schema", schema.toString()).toString());
        } else {
          answer(
              exchange,
              404,
              error(404, method + " " + path + " is not served by facegate's local registry"));
        }
      } catch (SchemaParseException e) {
        answer(exchange, 422, error(42201, "invalid Avro schema: " + e.getMessage()));
      } catch (SchemaRegistryException e) {
        int status = e.httpStatus() > 0 ? e.httpStatus() : 500;
        int code = e.errorCode() > 0 ? e.errorCode() : status * 100;
        answer(exchange, status, error(code, e.getMessage()));
      } catch (RuntimeException e) {
        answer(exchange, 500, error(50001, e.toString()));
      }
    }
  }

  private static String error(int code, String message) {
    return JSON.createObjectNode().put("error_code", code).put("message", message).toString();
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
