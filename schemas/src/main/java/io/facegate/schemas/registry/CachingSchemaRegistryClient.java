package io.facegate.schemas.registry;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Caches successful answers of a {@link RegistryBackend}: ids and schemas never change once issued,
 * so nothing expires. Failures are not cached (a registry that was down may come back). Two threads
 * missing the same key may both ask the registry; both get the same answer, which is harmless.
 */
final class CachingSchemaRegistryClient implements SchemaRegistryClient {
  private final RegistryBackend backend;
  private final Map<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();

  CachingSchemaRegistryClient(RegistryBackend backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
  }

  @Override
  public int register(String subject, Schema schema) {
    SubjectSchema key =
        new SubjectSchema(
            Objects.requireNonNull(subject, "subject"), Objects.requireNonNull(schema, "schema"));
    Integer cached = ids.get(key);
    if (cached != null) {
      return cached;
    }
    int id = backend.register(subject, schema);
    ids.putIfAbsent(key, id);
    schemas.putIfAbsent(id, schema);
    return id;
  }

  @Override
  public Schema schemaById(int id) {
    Schema cached = schemas.get(id);
    if (cached != null) {
      return cached;
    }
    Schema schema = backend.schemaById(id);
    Schema raced = schemas.putIfAbsent(id, schema);
    return raced == null ? schema : raced;
  }

  @Override
  public void close() {
    backend.close();
  }

  @Override
  public String toString() {
    return "SchemaRegistryClient[" + backend.describe() + "]";
  }

  private record SubjectSchema(String subject, Schema schema) {}
}
