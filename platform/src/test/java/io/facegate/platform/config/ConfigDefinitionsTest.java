package io.facegate.platform.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;

class ConfigDefinitionsTest {
  private static final ConfigDef DEF =
      new ConfigDef()
          .define("a.size", Type.INT, 16, Range.between(1, 64), Importance.HIGH, "events per call")
          .define(
              "a.dir", Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH, "where it lives")
          .define("a.ratio", Type.DOUBLE, null, Importance.LOW, "optional | with a pipe");

  @Test
  void absentAndBlankKeysTakeTheirDefaultsAndValuesAreTyped() {
    Map<String, Object> v =
        ConfigDefinitions.parse(
            DEF, Map.of("a.dir", "/x", "a.size", " 8 ", "a.ratio", " ", "other.key", "ignored"));
    assertEquals(8, v.get("a.size"));
    assertEquals("/x", v.get("a.dir"));
    assertNull(v.get("a.ratio"));
    assertEquals(16, ConfigDefinitions.parse(DEF, Map.of("a.dir", "/x")).get("a.size"));
  }

  @Test
  void everyRefusalNamesItsKey() {
    InvalidConfigException missing =
        assertThrows(InvalidConfigException.class, () -> ConfigDefinitions.parse(DEF, Map.of()));
    assertEquals("a.dir", missing.key());
    assertEquals("a.dir: is required", missing.getMessage());
    InvalidConfigException type =
        assertThrows(
            InvalidConfigException.class,
            () -> ConfigDefinitions.parse(DEF, Map.of("a.dir", "/x", "a.size", "many")));
    assertEquals("a.size", type.key());
    assertEquals("a.size: not an integer: 'many'", type.getMessage());
    InvalidConfigException range =
        assertThrows(
            InvalidConfigException.class,
            () -> ConfigDefinitions.parse(DEF, Map.of("a.dir", "/x", "a.size", "65")));
    assertEquals("a.size", range.key());
    assertTrue(
        range.getMessage().startsWith("a.size: value must be no more than 64"), range.getMessage());
    assertTrue(range.getMessage().endsWith("got 65"), range.getMessage());
  }

  @Test
  void theTableHasOneRowPerKeyInDefinitionOrder() {
    String table = ConfigDefinitions.markdownTable(DEF);
    String[] lines = table.split("\n");
    assertEquals(5, lines.length);
    assertEquals("| `a.size` | `16` | [1,...,64] | events per call |", lines[2]);
    assertEquals("| `a.dir` | required |  | where it lives |", lines[3]);
    assertEquals("| `a.ratio` | none |  | optional \\| with a pipe |", lines[4]);
  }
}
