package io.facegate.schemas.registry;

import java.util.Objects;

/** Creates {@link SchemaRegistryClient}s from a {@link RegistryConfig}. */
public final class SchemaRegistryClients {
  private SchemaRegistryClients() {}

  /**
   * A caching client: {@code mock://scope} gives the in-JVM registry of that scope (created on
   * first use, shared within the JVM until {@link #dropMockScope}); {@code http(s)://...} talks to
   * a real registry.
   *
   * @throws IllegalArgumentException if the TLS stores cannot be loaded (names the key)
   */
  public static SchemaRegistryClient create(RegistryConfig config) {
    Objects.requireNonNull(config, "config");
    RegistryBackend backend =
        config.isMock()
            ? MockRegistry.forScope(config.mockScope().orElseThrow())
            : new HttpRegistryBackend(config);
    return new CachingSchemaRegistryClient(backend);
  }

  /**
   * Forgets everything registered in {@code mock://scope}; returns false if the scope did not
   * exist.
   */
  public static boolean dropMockScope(String scope) {
    return MockRegistry.drop(Objects.requireNonNull(scope, "scope"));
  }
}
