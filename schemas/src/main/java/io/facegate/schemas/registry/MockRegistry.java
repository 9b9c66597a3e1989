package io.facegate.schemas.registry;

import io.facegate.schemas.history.BackwardCompatibilityCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * The in-JVM registry behind {@code mock://scope}: one state per scope name, shared by every client
 * in the JVM that names it (Confluent's convention), so a producer and a consumer in one test see
 * the same ids. Like a real registry it reuses an id for an identical schema across subjects and
 * refuses (HTTP 409 semantics) a schema that cannot read the subject's latest version (BACKWARD,
 * the registry default).
 */
final class MockRegistry implements RegistryBackend {
  private static final Map<String, State> SCOPES = new ConcurrentHashMap<>();

  private final String scope;
  private final State state;

  private MockRegistry(String scope, State state) {
    this.scope = scope;
    this.state = state;
  }

  static MockRegistry forScope(String scope) {
    return new MockRegistry(scope, SCOPES.computeIfAbsent(scope, s -> new State()));
  }

  /** Forgets a scope's schemas; clients still open on it keep the old state. */
  static boolean drop(String scope) {
    return SCOPES.remove(scope) != null;
  }

  @Override
  public int register(String subject, Schema schema) {
    return state.register(subject, schema, this);
  }

  @Override
  public Schema schemaById(int id) {
    return state.schemaById(id, this);
  }

  @Override
  public String describe() {
    return "mock://" + scope;
  }

  @Override
  public void close() {
    // The scope outlives its clients, as in Confluent's mock registry.
  }

  private static final class State {
    private final Map<String, Integer> idsBySchemaText = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();

    synchronized int register(String subject, Schema schema, MockRegistry registry) {
      String text = schema.toString();
      Integer existing = idsBySchemaText.get(text);
      List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
      if (existing != null && versions.contains(existing)) {
        return existing;
      }
      if (!versions.isEmpty()) {
        Schema latest = schemasById.get(versions.get(versions.size() - 1));
        List<String> reasons = BackwardCompatibilityCheck.incompatibilities(schema, latest);
        if (!reasons.isEmpty()) {
          throw new SchemaRegistryException(
              registry.describe()
                  + ": register under subject "
                  + subject
                  + " refused: HTTP 409, error_code 409: schema is incompatible with the latest version: "
                  + reasons,
              409,
              409);
        }
      }
      int id = existing != null ? existing : schemasById.size() + 1;
      idsBySchemaText.put(text, id);
      schemasById.put(id, schema);
      versions.add(id);
      return id;
    }

    synchronized Schema schemaById(int id, MockRegistry registry) {
      Schema schema = schemasById.get(id);
      if (schema == null) {
        throw new SchemaRegistryException(
            registry.describe() + ": schema id " + id + " not found: HTTP 404, error_code 40403",
            404,
            40403);
      }
      return schema;
    }
  }
}
