package io.facegate.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The door's targets are checked against a replay's figures and written into report.json. */
class AcceptanceTargetsTest {

  /**
   * 100 impostor and 200 genuine events with the given errors; one decision each unless
   * lost/duplicated.
   */
  private static ReplayReport report(
      long lost,
      long duplicated,
      long impostorGrants,
      long genuineMisses,
      long wrongIdentity,
      long impostorEvents,
      long genuineEvents) {
    long sent = impostorEvents + genuineEvents;
    double far = impostorEvents == 0 ? 0 : (double) impostorGrants / impostorEvents;
    double frr = genuineEvents == 0 ? 0 : (double) genuineMisses / genuineEvents;
    return new ReplayReport(
        sent,
        sent - lost + duplicated,
        lost,
        duplicated,
        genuineEvents - genuineMisses + impostorGrants,
        sent - lost - (genuineEvents - genuineMisses + impostorGrants),
        genuineEvents,
        impostorEvents,
        far,
        frr,
        wrongIdentity,
        null,
        null,
        1.0,
        0,
        10.0,
        new LatencySummary(1, 2, 3, 4),
        0.8,
        "m",
        30,
        10,
        Map.of());
  }

  private static List<String> failed(ReplayReport r) {
    return AcceptanceTargets.DOOR.checks(r).stream()
        .filter(c -> !c.met())
        .map(AcceptanceTargets.Check::name)
        .toList();
  }

  @Test
  void aCleanReplayWithinOnePercentFarAndFivePercentFrrMeetsThem() {
    ReplayReport r = report(0, 0, 1, 10, 0, 100, 200);
    assertEquals(List.of(), failed(r));
    assertTrue(r.targets().met());
    assertTrue(
        AcceptanceTargets.DOOR.summaryLine(r).endsWith("all met"),
        AcceptanceTargets.DOOR.summaryLine(r));
  }

  @Test
  void eachFigureOverItsLimitFailsOnItsOwn() {
    assertEquals(List.of("lost"), failed(report(1, 0, 0, 0, 0, 100, 200)));
    assertEquals(List.of("duplicated"), failed(report(0, 1, 0, 0, 0, 100, 200)));
    assertEquals(List.of("wrong_identity_grants"), failed(report(0, 0, 0, 1, 1, 100, 200)));
    assertEquals(List.of("far"), failed(report(0, 0, 2, 0, 0, 100, 200)));
    assertEquals(List.of("frr"), failed(report(0, 0, 0, 11, 0, 100, 200)));
    ReplayReport far = report(0, 0, 2, 0, 0, 100, 200);
    assertFalse(far.targets().met());
    assertTrue(
        AcceptanceTargets.DOOR.summaryLine(far).contains("far 0.0200 <= 0.01 FAILED"),
        AcceptanceTargets.DOOR.summaryLine(far));
    assertTrue(AcceptanceTargets.DOOR.summaryLine(far).endsWith("NOT MET"));
  }

  @Test
  void aReplayWithoutImpostorsOrGenuineEventsCannotShowTheRates() {
    assertEquals(List.of("far"), failed(report(0, 0, 0, 0, 0, 0, 200)));
    assertEquals(List.of("frr"), failed(report(0, 0, 0, 0, 0, 100, 0)));
  }

  @Test
  void reportJsonCarriesTheTargetsAndTheirFigures() throws Exception {
    JsonNode json = new ObjectMapper().valueToTree(report(0, 0, 2, 0, 0, 100, 200));
    JsonNode targets = json.path("targets");
    assertFalse(targets.path("met").asBoolean(true));
    assertEquals(5, targets.path("checks").size());
    JsonNode far = targets.path("checks").get(3);
    assertEquals("far", far.path("name").asText());
    assertEquals(0.02, far.path("value").asDouble(), 1e-12);
    assertEquals(0.01, far.path("limit").asDouble(), 1e-12);
    assertFalse(far.path("met").asBoolean(true));
    assertEquals(100, json.path("impostor_events").asLong());
  }
}
