package io.facegate.schemas.serde;

import io.facegate.schemas.registry.SchemaRegistryClient;
import io.facegate.schemas.registry.SchemaRegistryException;
import io.facegate.schemas.registry.TopicNameStrategy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes {@code T} in the Confluent wire format, registering its schema under the topic's subject
 * ({@code <topic>-value} or {@code <topic>-key}) on first use per topic. Null stays null
 * (tombstone). Thread-safe. Failures are {@link WireFormatException}s ({@code REGISTRY_ERROR},
 * {@code INVALID_RECORD}).
 *
 * <p>Use {@link AvroSerde#of} in code; the public no-argument constructor is for Kafka's {@code
 * value.serializer=} property, followed by {@link #configure}.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {
  private SchemaRegistryClient registry;
  private boolean isKey;
  private boolean ownsRegistry;
  private boolean preconfigured;
  private final Map<TopicSchema, Integer> idsByTopic = new ConcurrentHashMap<>();
  private final Map<Class<?>, SpecificDatumWriter<?>> writers = new ConcurrentHashMap<>();

  /** For Kafka's reflective instantiation; {@link #configure} must follow. */
  public AvroSerializer() {}

  AvroSerializer(SchemaRegistryClient registry, boolean isKey) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.isKey = isKey;
    this.preconfigured = true;
  }

  /**
   * Reads {@code schema.registry.url} and friends (see {@code RegistryConfig}); ignored when this
   * serializer was built with an explicit registry client.
   */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (preconfigured) {
      return;
    }
    SerdeSettings settings = SerdeSettings.fromConfigs(configs, isKey);
    closeOwnedRegistry();
    this.registry = settings.createClient();
    this.ownsRegistry = true;
    this.isKey = isKey;
    idsByTopic.clear();
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    if (registry == null) {
      throw new IllegalStateException("AvroSerializer used before configure()");
    }
    Schema schema = data.getSchema();
    int id = schemaId(topic, schema);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(WireFormat.MAGIC_BYTE);
    out.write(id >>> 24);
    out.write(id >>> 16);
    out.write(id >>> 8);
    out.write(id);
    try {
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      writer(data).write(data, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new WireFormatException(
          WireFormatException.Kind.INVALID_RECORD,
          topic,
          id,
          schema.getFullName() + " cannot be encoded: " + e,
          e);
    }
    return out.toByteArray();
  }

  private int schemaId(String topic, Schema schema) {
    TopicSchema cacheKey = new TopicSchema(topic, schema);
    Integer cached = idsByTopic.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    String subject = TopicNameStrategy.subject(topic, isKey);
    try {
      int id = registry.register(subject, schema);
      idsByTopic.put(cacheKey, id);
      return id;
    } catch (SchemaRegistryException e) {
      throw new WireFormatException(
          WireFormatException.Kind.REGISTRY_ERROR,
          topic,
          null,
          "cannot register "
              + schema.getFullName()
              + " under subject "
              + subject
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() {
    closeOwnedRegistry();
  }

  private record TopicSchema(String topic, Schema schema) {}

  @SuppressWarnings("unchecked")
  private SpecificDatumWriter<T> writer(T data) {
    // Avro's default model would look classes up through its trusted-packages check; see
    // TrustedSpecificData.
    return (SpecificDatumWriter<T>)
        writers.computeIfAbsent(
            data.getClass(),
            c ->
                new SpecificDatumWriter<>(
                    data.getSchema(),
                    TrustedSpecificData.forType(
                        c.asSubclass(SpecificRecord.class), data.getSchema())));
  }

  private void closeOwnedRegistry() {
    if (ownsRegistry && registry != null) {
      registry.close();
      registry = null;
      ownsRegistry = false;
    }
  }
}
