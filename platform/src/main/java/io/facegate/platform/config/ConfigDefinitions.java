package io.facegate.platform.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Reads a flat settings map against a Kafka {@link ConfigDef}: the one place where a capability's
 * keys are defined with their type, default, validator and documentation. Every refusal is an
 * {@link InvalidConfigException} naming its key (Kafka's own {@code ConfigDef.parse} stops at the
 * first bad key with a {@link ConfigException} whose key can only be read from its text). The docs
 * tables are rendered from the same definitions ({@link #markdownTable}).
 */
public final class ConfigDefinitions {

  private ConfigDefinitions() {}

  /**
   * The typed value of every key in {@code definition}: the raw value parsed and validated, or the
   * default when the key is absent or blank. Keys the definition does not know are ignored (other
   * capabilities own them).
   *
   * @throws InvalidConfigException naming the key, when a value is malformed or out of range, or a
   *     key without default is missing
   */
  public static Map<String, Object> parse(ConfigDef definition, Map<String, String> raw) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (ConfigDef.ConfigKey key : definition.configKeys().values()) {
      String text = raw.get(key.name);
      Object value;
      if (text == null || text.isBlank()) {
        if (!key.hasDefault()) {
          throw new InvalidConfigException(key.name, "is required");
        }
        value = key.defaultValue;
      } else {
        try {
          value = ConfigDef.parseType(key.name, text.trim(), key.type);
        } catch (ConfigException e) {
          throw new InvalidConfigException(
              key.name, "not " + article(key.type) + ": '" + text + "'", e);
        }
      }
      if (value != null && key.validator != null) {
        try {
          key.validator.ensureValid(key.name, value);
        } catch (ConfigException e) {
          throw new InvalidConfigException(key.name, reason(e) + ", got " + value, e);
        }
      }
      values.put(key.name, value);
    }
    return values;
  }

  /**
   * A Markdown table of the definitions, in definition order: key, default, valid values, meaning.
   */
  public static String markdownTable(ConfigDef definition) {
    StringJoiner table = new StringJoiner("\n", "", "\n");
    table.add("| key | default | valid values | meaning |");
    table.add("|---|---|---|---|");
    for (ConfigDef.ConfigKey key : definition.configKeys().values()) {
      String dflt =
          !key.hasDefault()
              ? "required"
              : key.defaultValue == null ? "none" : "`" + key.defaultValue + "`";
      String valid = key.validator == null ? "" : key.validator.toString();
      table.add(
          "| `"
              + key.name
              + "` | "
              + dflt
              + " | "
              + valid.replace("|", "\\|")
              + " | "
              + key.documentation.replace("|", "\\|").replace("\n", " ")
              + " |");
    }
    return table.toString();
  }

  /** Kafka's validator text without its "Invalid value X for configuration K: " preamble. */
  private static String reason(ConfigException e) {
    String message = String.valueOf(e.getMessage());
    int colon = message.indexOf(": ");
    String reason =
        message.startsWith("Invalid value") && colon >= 0 ? message.substring(colon + 2) : message;
    return reason.isEmpty()
        ? reason
        : Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
  }

  private static String article(ConfigDef.Type type) {
    return switch (type) {
      case INT, LONG, SHORT -> "an integer";
      case DOUBLE -> "a number";
      case BOOLEAN -> "true or false";
      default -> "a valid " + type.name().toLowerCase(Locale.ROOT);
    };
  }
}
