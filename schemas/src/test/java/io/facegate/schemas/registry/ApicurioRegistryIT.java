package io.facegate.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.serde.AvroSerde;
import io.facegate.schemas.serde.WireFormatException;
import io.facegate.schemas.testing.SampleRecords;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The http registry client and the serde against a real registry that implements the Confluent API:
 * Apicurio Registry 2.6 ({@code /apis/ccompat/v7}), started as a separate process for this class.
 */
class ApicurioRegistryIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static ApicurioRegistryProcess registry;

  @BeforeAll
  static void startRegistry() throws Exception {
    registry = ApicurioRegistryProcess.start();
  }

  @AfterAll
  static void stopRegistry() throws InterruptedException {
    if (registry != null) {
      registry.close();
    }
  }

  private static SchemaRegistryClient freshClient() {
    return SchemaRegistryClients.create(
        RegistryConfig.fromMap(Map.of("schema.registry.url", registry.ccompatUrl().toString())));
  }

  private static JsonNode ccompat(String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(registry.ccompatUrl() + path))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json");
    b =
        body == null
            ? b.method(method, HttpRequest.BodyPublishers.noBody())
            : b.method(method, HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), method + " " + path + ": " + response.body());
    return JSON.readTree(response.body());
  }

  @Test
  void faceEventWrittenWithTheHttpClientReadsBackWithAFreshDeserializer() {
    FaceEvent event = SampleRecords.faceEvent();
    byte[] bytes;
    try (SchemaRegistryClient writerClient = freshClient()) {
      bytes =
          AvroSerde.of(FaceEvent.class, writerClient, false)
              .serializer()
              .serialize("it-frames", event);
    }
    try (SchemaRegistryClient readerClient = freshClient()) {
      Deserializer<FaceEvent> fresh =
          AvroSerde.of(FaceEvent.class, readerClient, false).deserializer();
      assertEquals(event, fresh.deserialize("it-frames", bytes));
    }
  }

  @Test
  void schemaFetchedByIdThroughTheCcompatApiIsTheWriterSchema() throws Exception {
    byte[] bytes;
    try (SchemaRegistryClient client = freshClient()) {
      bytes =
          AvroSerde.of(FaceEvent.class, client, false)
              .serializer()
              .serialize("it-by-id", SampleRecords.faceEvent());
    }
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    JsonNode answer = ccompat("GET", "/schemas/ids/" + id, null);
    assertEquals(
        FaceEvent.getClassSchema(), new Schema.Parser().parse(answer.get("schema").asText()));
    try (SchemaRegistryClient client = freshClient()) {
      assertEquals(FaceEvent.getClassSchema(), client.schemaById(id));
    }
  }

  @Test
  void registeringTheSameSchemaTwiceGivesTheSameId() {
    int first;
    try (SchemaRegistryClient a = freshClient()) {
      first = a.register("it-twice-value", FaceEvent.getClassSchema());
    }
    try (SchemaRegistryClient b = freshClient()) {
      assertEquals(first, b.register("it-twice-value", FaceEvent.getClassSchema()));
    }
  }

  @Test
  void unknownIdIsNotFoundWithTheRegistrysErrorCode() {
    try (SchemaRegistryClient client = freshClient()) {
      SchemaRegistryException e =
          assertThrows(SchemaRegistryException.class, () -> client.schemaById(987_654));
      assertEquals(404, e.httpStatus());
      assertEquals(40403, e.errorCode());
      assertTrue(e.isNotFound());
      Deserializer<FaceEvent> d = AvroSerde.of(FaceEvent.class, client, false).deserializer();
      WireFormatException w =
          assertThrows(
              WireFormatException.class,
              () ->
                  d.deserialize(
                      "it-frames", ByteBuffer.allocate(6).put((byte) 0).putInt(987_654).array()));
      assertEquals(WireFormatException.Kind.UNKNOWN_SCHEMA_ID, w.kind());
    }
  }

  @Test
  void withBackwardCompatibilityTheRegistryRefusesAnIncompatibleChange() throws Exception {
    String subject = "it-compat-value";
    try (SchemaRegistryClient client = freshClient()) {
      int v1 = client.register(subject, FaceEvent.getClassSchema());
      JsonNode set = ccompat("PUT", "/config/" + subject, "{\"compatibility\":\"BACKWARD\"}");
      assertEquals("BACKWARD", set.get("compatibility").asText());

      Schema incompatible =
          withField(FaceEvent.getClassSchema(), "{\"name\":\"site\",\"type\":\"string\"}");
      SchemaRegistryException refused =
          assertThrows(SchemaRegistryException.class, () -> client.register(subject, incompatible));
      assertEquals(409, refused.httpStatus(), refused.getMessage());

      Schema compatible =
          withField(
              FaceEvent.getClassSchema(),
              "{\"name\":\"site\",\"type\":[\"null\",\"string\"],\"default\":null}");
      int v2 = client.register(subject, compatible);
      assertNotEquals(v1, v2);
    }
  }

  private static Schema withField(Schema schema, String fieldJson) {
    String json = schema.toString();
    int end = json.lastIndexOf(']');
    return new Schema.Parser()
        .parse(json.substring(0, end) + "," + fieldJson + json.substring(end));
  }
}
