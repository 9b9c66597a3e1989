package io.facegate.platform.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where every facegate setting comes from: an optional Java properties file, overridden key by key
 * by environment variables, so the same build runs from a file on a laptop and from env vars in a
 * container.
 *
 * <p>An environment variable {@code FACEGATE_FOO_BAR} sets the key {@code foo.bar}: the prefix is
 * dropped, the rest lower-cased, a single {@code _} becomes {@code .} and a double {@code __}
 * becomes {@code -} (so {@code FACEGATE_MODEL__DIR} sets {@code model-dir}). Variables without the
 * prefix are ignored. The result is a plain key/value map; typed, validated records (e.g. {@link
 * KafkaClientSettings}) are built from it by the capability that owns the keys.
 */
public final class ConfigSource {

  /** Environment variables with this prefix override file settings. */
  public static final String ENV_PREFIX = "FACEGATE_";

  private ConfigSource() {}

  /**
   * Loads settings.
   *
   * @param file a properties file (UTF-8); when present it must exist and be readable
   * @param env the environment, usually {@code System.getenv()}
   * @return an immutable map sorted by key; environment values win over file values
   * @throws InvalidConfigException when the file is missing or unreadable, or an env name maps to
   *     no key
   */
  public static Map<String, String> load(Optional<Path> file, Map<String, String> env) {
    Map<String, String> settings = new TreeMap<>();
    file.ifPresent(path -> settings.putAll(readFile(path)));
    env.forEach(
        (name, value) -> {
          if (name.startsWith(ENV_PREFIX)) {
            settings.put(keyForEnv(name), value);
          }
        });
    return Collections.unmodifiableMap(settings);
  }

  /**
   * Maps an environment variable name to the key it sets.
   *
   * @param envName e.g. {@code FACEGATE_KAFKA_BOOTSTRAP_SERVERS}
   * @return e.g. {@code kafka.bootstrap.servers}
   * @throws InvalidConfigException when the name lacks the prefix or leaves an empty key part
   */
  public static String keyForEnv(String envName) {
    if (!envName.startsWith(ENV_PREFIX) || envName.length() == ENV_PREFIX.length()) {
      throw new InvalidConfigException(
          envName, "environment variable must be " + ENV_PREFIX + "<KEY>");
    }
    String rest = envName.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
    String key = rest.replace("__", "-").replace('_', '.');
    if (key.startsWith(".") || key.endsWith(".") || key.contains("..")) {
      throw new InvalidConfigException(
          envName, "environment variable maps to a malformed key '" + key + "'");
    }
    return key;
  }

  private static Map<String, String> readFile(Path path) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      throw new InvalidConfigException("config file", "no such file " + path, e);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidConfigException(
          "config file", "cannot read " + path + " (" + e.getMessage() + ")", e);
    }
    Map<String, String> values = new TreeMap<>();
    for (String name : properties.stringPropertyNames()) {
      values.put(name, properties.getProperty(name).trim());
    }
    return values;
  }
}
