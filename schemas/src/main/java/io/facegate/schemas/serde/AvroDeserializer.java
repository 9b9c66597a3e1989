package io.facegate.schemas.serde;

import io.facegate.schemas.history.BackwardCompatibilityCheck;
import io.facegate.schemas.registry.SchemaRegistryClient;
import io.facegate.schemas.registry.SchemaRegistryException;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format into {@code T}: fetches the writer schema by the id in the header
 * (cached) and resolves it to {@code T}'s schema, so data written with an older (or newer,
 * compatible) schema reads fine. A null value is a tombstone and reads as null; every other bad
 * input is a {@link WireFormatException} with a {@link WireFormatException.Kind}, never a silent
 * null. Thread-safe.
 *
 * <p>Use {@link AvroSerde#of} in code; the public no-argument constructor is for Kafka's {@code
 * value.deserializer=} property, followed by {@link #configure}.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
  private Class<T> type;
  private Schema readerSchema;
  private TrustedSpecificData model;
  private SchemaRegistryClient registry;
  private boolean ownsRegistry;
  private boolean preconfigured;

  /** Per writer schema id: a reader resolving it to T, or why it cannot. */
  private final Map<Integer, Resolution<T>> resolutions = new ConcurrentHashMap<>();

  /** For Kafka's reflective instantiation; {@link #configure} must follow. */
  public AvroDeserializer() {}

  AvroDeserializer(Class<T> type, SchemaRegistryClient registry) {
    init(type);
    this.registry = Objects.requireNonNull(registry, "registry");
    this.preconfigured = true;
  }

  private void init(Class<T> type) {
    this.type = Objects.requireNonNull(type, "type");
    this.readerSchema = SpecificData.get().getSchema(type);
    this.model = TrustedSpecificData.forType(type, readerSchema);
    resolutions.clear();
  }

  /**
   * Reads {@code schema.registry.url} and friends plus the record type ({@code facegate.avro.type},
   * or {@code facegate.avro.key.type}/{@code facegate.avro.value.type}); ignored when this
   * deserializer was built with an explicit type and registry client.
   */
  @Override
  @SuppressWarnings("unchecked")
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (preconfigured) {
      return;
    }
    SerdeSettings settings = SerdeSettings.fromConfigs(configs, isKey);
    closeOwnedRegistry();
    init((Class<T>) settings.type());
    this.registry = settings.createClient();
    this.ownsRegistry = true;
  }

  /** The type this deserializer reads into. */
  public Class<T> type() {
    return type;
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (registry == null) {
      throw new IllegalStateException("AvroDeserializer used before configure()");
    }
    if (data.length == 0) {
      throw new WireFormatException(
          WireFormatException.Kind.EMPTY, topic, null, "zero-length value", null);
    }
    if (data[0] != WireFormat.MAGIC_BYTE) {
      throw new WireFormatException(
          WireFormatException.Kind.BAD_MAGIC_BYTE,
          topic,
          null,
          String.format(
              "first byte is 0x%02x, expected 0x00 (not Confluent wire format)", data[0] & 0xFF),
          null);
    }
    if (data.length < WireFormat.HEADER_SIZE) {
      throw new WireFormatException(
          WireFormatException.Kind.TRUNCATED,
          topic,
          null,
          data.length + " bytes, shorter than the 5-byte header",
          null);
    }
    int id =
        (data[1] & 0xFF) << 24 | (data[2] & 0xFF) << 16 | (data[3] & 0xFF) << 8 | (data[4] & 0xFF);
    Resolution<T> resolution = resolution(topic, id);
    StrictBinaryDecoder decoder =
        new StrictBinaryDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE);
    T record;
    try {
      record = resolution.reader().read(null, decoder);
    } catch (EOFException e) {
      throw new WireFormatException(
          WireFormatException.Kind.TRUNCATED,
          topic,
          id,
          "payload of " + data.length + " bytes ends inside the record: " + e.getMessage(),
          e);
    } catch (IOException | RuntimeException e) {
      // Avro signals bad enum/union indexes and the like with unchecked exceptions of several
      // types.
      throw new WireFormatException(
          WireFormatException.Kind.CORRUPT_PAYLOAD,
          topic,
          id,
          "not a valid " + resolution.writer().getFullName() + " record: " + e,
          e);
    }
    if (decoder.remaining() > 0) {
      throw new WireFormatException(
          WireFormatException.Kind.CORRUPT_PAYLOAD,
          topic,
          id,
          decoder.remaining()
              + " unread bytes after the record (offset "
              + decoder.position()
              + " of "
              + data.length
              + ")",
          null);
    }
    return record;
  }

  private Resolution<T> resolution(String topic, int id) {
    Resolution<T> cached = resolutions.get(id);
    if (cached == null) {
      Schema writer;
      try {
        writer = registry.schemaById(id);
      } catch (SchemaRegistryException e) {
        WireFormatException.Kind kind =
            e.isNotFound()
                ? WireFormatException.Kind.UNKNOWN_SCHEMA_ID
                : WireFormatException.Kind.REGISTRY_ERROR;
        throw new WireFormatException(kind, topic, id, e.getMessage(), e);
      }
      List<String> reasons = BackwardCompatibilityCheck.incompatibilities(readerSchema, writer);
      cached =
          reasons.isEmpty()
              ? new Resolution<>(
                  writer, new SpecificDatumReader<>(writer, readerSchema, model), List.of())
              : new Resolution<>(writer, null, reasons);
      resolutions.putIfAbsent(id, cached);
    }
    if (cached.reader() == null) {
      throw new WireFormatException(
          WireFormatException.Kind.INCOMPATIBLE_SCHEMA,
          topic,
          id,
          "writer schema "
              + cached.writer().getFullName()
              + " cannot be read as "
              + type.getName()
              + ": "
              + cached.incompatibilities(),
          null);
    }
    return cached;
  }

  @Override
  public void close() {
    closeOwnedRegistry();
  }

  private void closeOwnedRegistry() {
    if (ownsRegistry && registry != null) {
      registry.close();
      registry = null;
      ownsRegistry = false;
    }
  }

  private record Resolution<T>(
      Schema writer, SpecificDatumReader<T> reader, List<String> incompatibilities) {}
}
