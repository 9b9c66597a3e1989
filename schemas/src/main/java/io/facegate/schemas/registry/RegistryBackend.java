package io.facegate.schemas.registry;

import org.apache.avro.Schema;

/** One uncached registry call per method; {@link CachingSchemaRegistryClient} adds the caches. */
interface RegistryBackend extends AutoCloseable {
  int register(String subject, Schema schema);

  Schema schemaById(int id);

  /** The registry's address for messages, without credentials. */
  String describe();

  @Override
  void close();
}
