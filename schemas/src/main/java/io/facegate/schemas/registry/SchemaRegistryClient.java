package io.facegate.schemas.registry;

import org.apache.avro.Schema;

/**
 * The client side of the Confluent Schema Registry REST API, as far as Avro serialisation needs it.
 * Implementations cache both directions, so each (subject, schema) pair and each id costs at most
 * one round trip while it succeeds. Thread-safe. Create with {@link SchemaRegistryClients#create}.
 */
public interface SchemaRegistryClient extends AutoCloseable {

  /**
   * Registers {@code schema} under {@code subject} (a no-op returning the existing id if it is
   * already there) and returns its global id.
   *
   * @throws SchemaRegistryException if the registry refuses (e.g. HTTP 409: incompatible) or cannot
   *     be reached
   */
  int register(String subject, Schema schema);

  /**
   * The schema with global id {@code id}.
   *
   * @throws SchemaRegistryException if there is none ({@link SchemaRegistryException#isNotFound()})
   *     or the registry cannot be reached
   */
  Schema schemaById(int id);

  /**
   * Releases connections; the in-JVM {@code mock://} registry keeps its state (see {@link
   * SchemaRegistryClients}).
   */
  @Override
  void close();
}
