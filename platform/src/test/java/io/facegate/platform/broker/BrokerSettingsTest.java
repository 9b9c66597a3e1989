package io.facegate.platform.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerSettingsTest {

  @Test
  void defaultsUseTempDirAndFreePort() {
    BrokerSettings settings = BrokerSettings.defaults();

    assertNull(settings.logDir());
    assertEquals(0, settings.port());
    assertTrue(settings.extra().isEmpty());
  }

  @Test
  void rejectsPortOutOfRange() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new BrokerSettings(null, 70000, Map.of()));

    assertTrue(e.getMessage().startsWith("port:"), e.getMessage());
  }

  @Test
  void rejectsOverridingTheListenerLayoutNamingTheKey() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new BrokerSettings(null, 0, Map.of("listeners", "PLAINTEXT://0.0.0.0:9092")));

    assertTrue(e.getMessage().startsWith("listeners:"), e.getMessage());
  }

  @Test
  void copiesCollectionsSoCallersCannotChangeThemLater() {
    Map<String, String> extra = new HashMap<>(Map.of("log.retention.hours", "1"));
    BrokerSettings settings =
        new BrokerSettings(Path.of("x"), 0, extra)
            .withSecurity(
                List.of("--add-scram", "SCRAM-SHA-256=[name=a,password=b]"),
                Map.of("sasl.mechanism", "SCRAM-SHA-256"));
    extra.put("log.retention.hours", "2");

    assertEquals("1", settings.extra().get("log.retention.hours"));
    assertEquals(2, settings.formatArguments().size());
    assertEquals(Path.of("x"), settings.logDir());
  }
}
