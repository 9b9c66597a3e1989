package io.facegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Options override the settings file; only the client tools fall back to the local broker. */
class ClusterOptionsTest {

  @TempDir Path dir;

  @Command(name = "probe")
  static final class Probe {
    @Mixin ClusterOptions cluster;
  }

  private static ClusterOptions parse(String... args) {
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs(args);
    return probe.cluster;
  }

  @Test
  void optionsOverrideTheFileAndTheFileOverridesTheDefaults() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("c.properties"),
            "kafka.bootstrap.servers=from-file:9092\nschema.registry.url=http://from-file:8081\n");

    Map<String, String> fileOnly = parse("-c", file.toString()).settings();
    Map<String, String> overridden =
        parse("--config", file.toString(), "--bootstrap", "from-option:9092").settings();

    assertEquals("from-file:9092", fileOnly.get("kafka.bootstrap.servers"));
    assertEquals("from-option:9092", overridden.get("kafka.bootstrap.servers"));
    assertEquals("http://from-file:8081", overridden.get("schema.registry.url"));
  }

  @Test
  void onlyClientToolsFallBackToTheLocalBroker() {
    assumeNoClusterInTheEnvironment();
    ClusterOptions none = parse();

    assertEquals(ClusterOptions.DEFAULT_BOOTSTRAP, none.settings().get("kafka.bootstrap.servers"));
    assertEquals(ClusterOptions.DEFAULT_REGISTRY, none.settings().get("schema.registry.url"));
    assertFalse(none.configured().containsKey("kafka.bootstrap.servers"));
    assertFalse(none.configured().containsKey("schema.registry.url"));
  }

  @Test
  void malformedRegistryUrlIsAOneLineFailureNamingTheKey() {
    CommandFailedException e =
        assertThrows(
            CommandFailedException.class,
            () ->
                ClusterOptions.registryConfig(
                    Map.of("schema.registry.url", "http://a:1,http://b:1")));

    assertEquals(
        "schema.registry.url: one URL only (no fail-over list), got http://a:1,http://b:1",
        e.getMessage());
  }

  private static void assumeNoClusterInTheEnvironment() {
    assumeTrue(
        System.getenv("FACEGATE_KAFKA_BOOTSTRAP_SERVERS") == null
            && System.getenv("FACEGATE_SCHEMA_REGISTRY_URL") == null,
        "cluster set in the environment");
  }
}
