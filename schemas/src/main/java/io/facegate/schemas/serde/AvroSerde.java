package io.facegate.schemas.serde;

import io.facegate.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka {@link Serde} for a generated Avro class in the Confluent wire format (magic byte 0, 4-byte
 * big-endian schema id, Avro binary), with the schema registered under the topic's subject ({@code
 * <topic>-value} / {@code <topic>-key}). Bad bytes fail with {@link WireFormatException}; a null
 * value stays null (tombstone).
 *
 * <pre>{@code
 * try (SchemaRegistryClient registry = SchemaRegistryClients.create(RegistryConfig.fromMap(props))) {
 *   Serde<FaceEvent> serde = AvroSerde.of(FaceEvent.class, registry, false);
 *   ...
 * }
 * }</pre>
 *
 * <p>Configured by class name instead (e.g. Streams' {@code default.value.serde}), it reads {@code
 * schema.registry.url} etc. and {@code facegate.avro.type} (or {@code facegate.avro.key.type} /
 * {@code facegate.avro.value.type}) in {@link #configure}, and then owns and closes its registry
 * client. Avro's trusted-packages check ({@code org.apache.avro.SERIALIZABLE_PACKAGES}) does not
 * apply: the deserializer instantiates only the classes of the type it was given.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  /** For Kafka's reflective instantiation; {@link #configure} must follow. */
  public AvroSerde() {
    this.serializer = new AvroSerializer<>();
    this.deserializer = new AvroDeserializer<>();
  }

  private AvroSerde(AvroSerializer<T> serializer, AvroDeserializer<T> deserializer) {
    this.serializer = serializer;
    this.deserializer = deserializer;
  }

  /**
   * A ready serde for {@code type} using {@code registry}, which stays the caller's to close.
   *
   * @param isKey true to register under {@code <topic>-key}, false for {@code <topic>-value}
   */
  public static <T extends SpecificRecord> AvroSerde<T> of(
      Class<T> type, SchemaRegistryClient registry, boolean isKey) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(registry, "registry");
    return new AvroSerde<>(
        new AvroSerializer<>(registry, isKey), new AvroDeserializer<>(type, registry));
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }

  @Override
  public void close() {
    serializer.close();
    deserializer.close();
  }
}
