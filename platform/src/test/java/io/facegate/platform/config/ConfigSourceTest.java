package io.facegate.platform.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourceTest {

  @TempDir Path dir;

  @Test
  void readsPropertiesFileAndTrimsValues() throws IOException {
    Path file =
        write("kafka.bootstrap.servers = 10.0.0.1:9092   \nprocessor.batch.size=16\n# comment\n");

    Map<String, String> config = ConfigSource.load(Optional.of(file), Map.of());

    assertEquals(
        Map.of("kafka.bootstrap.servers", "10.0.0.1:9092", "processor.batch.size", "16"), config);
  }

  @Test
  void environmentOverridesFileKeyByKey() throws IOException {
    Path file = write("kafka.bootstrap.servers=file:9092\nprocessor.batch.size=16\n");
    Map<String, String> env =
        Map.of(
            "FACEGATE_KAFKA_BOOTSTRAP_SERVERS", "env:9092",
            "FACEGATE_MODEL__DIR", "/models",
            "PATH", "/usr/bin",
            "KAFKA_BOOTSTRAP_SERVERS", "ignored:1");

    Map<String, String> config = ConfigSource.load(Optional.of(file), env);

    assertEquals("env:9092", config.get("kafka.bootstrap.servers"));
    assertEquals("16", config.get("processor.batch.size"));
    assertEquals("/models", config.get("model-dir"));
    assertEquals(3, config.size(), "only FACEGATE_ variables become keys: " + config);
  }

  @Test
  void worksWithoutFile() {
    Map<String, String> config =
        ConfigSource.load(Optional.empty(), Map.of("FACEGATE_TOPICS_PARTITIONS", "6"));

    assertEquals(Map.of("topics.partitions", "6"), config);
  }

  @Test
  void missingFileIsAClearError() {
    Path missing = dir.resolve("nope.properties");

    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class, () -> ConfigSource.load(Optional.of(missing), Map.of()));

    assertTrue(e.getMessage().contains("nope.properties"), e.getMessage());
  }

  @Test
  void malformedEnvironmentNameIsRejectedWithItsName() {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () -> ConfigSource.load(Optional.empty(), Map.of("FACEGATE__X", "1")));

    assertEquals("FACEGATE__X", e.key());
  }

  @Test
  void resultIsImmutable() {
    Map<String, String> config = ConfigSource.load(Optional.empty(), Map.of("FACEGATE_A", "1"));

    assertThrows(UnsupportedOperationException.class, () -> config.put("b", "2"));
  }

  private Path write(String text) throws IOException {
    Path file = dir.resolve("facegate.properties");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }
}
