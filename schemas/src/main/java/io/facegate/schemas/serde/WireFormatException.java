package io.facegate.schemas.serde;

import java.util.Objects;
import java.util.OptionalInt;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record could not be turned into (or out of) the Confluent wire format: magic byte 0, 4-byte
 * big-endian schema id, Avro binary. Never a silent null: callers route the record by {@link
 * #kind()} (e.g. a dead-letter for {@link Kind#CORRUPT_PAYLOAD}, a retry for {@link
 * Kind#REGISTRY_ERROR}). The message names the topic and the schema id (when one was read).
 */
public final class WireFormatException extends SerializationException {
  private final Kind kind;
  private final String topic;
  private final int schemaId;
  private final boolean hasSchemaId;

  WireFormatException(Kind kind, String topic, Integer schemaId, String detail, Throwable cause) {
    super(
        kind
            + " on topic "
            + topic
            + ", schema id "
            + (schemaId == null ? "none" : schemaId)
            + ": "
            + detail,
        cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.topic = topic;
    this.hasSchemaId = schemaId != null;
    this.schemaId = schemaId == null ? 0 : schemaId;
  }

  /** What went wrong. */
  public Kind kind() {
    return kind;
  }

  /** The topic the record was (to be) on; may be null if Kafka gave none. */
  public String topic() {
    return topic;
  }

  /** The schema id read from (or registered for) the record, if it got that far. */
  public OptionalInt schemaId() {
    return hasSchemaId ? OptionalInt.of(schemaId) : OptionalInt.empty();
  }

  /**
   * The ways a record can fail. All but {@link #REGISTRY_ERROR} and {@link #INVALID_RECORD} mean
   * bad bytes.
   */
  public enum Kind {
    /** Zero bytes (not null: a null value is a tombstone and deserialises to null). */
    EMPTY,
    /** The first byte is not the Confluent magic byte 0. */
    BAD_MAGIC_BYTE,
    /** The payload ends before the 5-byte header or the Avro record does. */
    TRUNCATED,
    /** The registry has no schema with the id in the header. */
    UNKNOWN_SCHEMA_ID,
    /**
     * The writer schema cannot be resolved to the reader's type (e.g. another record type, a
     * changed type).
     */
    INCOMPATIBLE_SCHEMA,
    /**
     * The Avro bytes are not a valid record of the writer schema (garbage, bad enum or union index,
     * trailing bytes).
     */
    CORRUPT_PAYLOAD,
    /**
     * The registry failed or could not be reached (deserialising: fetching the id; serialising:
     * registering).
     */
    REGISTRY_ERROR,
    /**
     * Serialising: the record cannot be encoded with its schema (e.g. null in a required field).
     */
    INVALID_RECORD
  }
}
