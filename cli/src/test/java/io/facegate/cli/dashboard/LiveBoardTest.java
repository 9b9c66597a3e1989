package io.facegate.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LiveBoardTest {

  private static final long T0 = 1_700_000_000_000L;
  private static final Function<String, String> NO_THUMBNAILS = id -> null;

  private final LiveBoard board = new LiveBoard(new ObjectMapper());
  private long clock = T0;

  private DecisionView decision(String door, boolean granted) {
    long at = clock++;
    return new DecisionView(
        "e" + at,
        door,
        "cam-" + door,
        granted,
        granted ? "MATCH" : "NO_MATCH",
        granted ? "ada" : null,
        null,
        granted ? 0.3f : 0.9f,
        0.6f,
        20,
        5,
        at,
        "m1",
        null,
        null);
  }

  private static List<String> eventIds(JsonNode update) {
    List<String> ids = new ArrayList<>();
    update.get("decisions").forEach(d -> ids.add(d.get("eventId").asText()));
    return ids;
  }

  private static List<String> ids(List<DecisionView> decisions) {
    return decisions.stream().map(DecisionView::eventId).toList();
  }

  @Test
  void anUpdateListsTheNewDecisionsOldestFirstAcrossDoors() {
    List<DecisionView> batch =
        List.of(decision("a", true), decision("b", false), decision("a", false));
    board.addDecisions(batch);

    ObjectNode update = board.update(false, clock, NO_THUMBNAILS);

    assertEquals(ids(batch), eventIds(update));
    assertEquals(0, update.get("notShown").asLong());
    assertFalse(update.get("full").asBoolean());
  }

  @Test
  void anUpdateCarriesAtMostPerDoorDecisionsOfEachDoorTheNewestInOrder() {
    List<DecisionView> a = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      a.add(decision("a", i % 3 != 0));
    }
    DecisionView b = decision("b", true);
    board.addDecisions(a.subList(0, 7));
    board.addDecisions(a.subList(7, 20));
    board.addDecisions(List.of(b));

    ObjectNode update = board.update(false, clock, NO_THUMBNAILS);

    List<String> expected = new ArrayList<>(ids(a.subList(20 - LiveBoard.PER_DOOR, 20)));
    expected.add(b.eventId());
    assertEquals(expected, eventIds(update));
    assertEquals(20 - LiveBoard.PER_DOOR, update.get("notShown").asLong());
    assertEquals(21, update.get("stats").get("decisionsTotal").asLong());
  }

  @Test
  void hundredsPerSecondAreCoalescedIntoOneBoundedUpdatePerTick() {
    int doors = 20;
    int perTick = 500;
    for (int tick = 0; tick < 3; tick++) {
      for (int i = 0; i < perTick; i += 25) {
        List<DecisionView> poll = new ArrayList<>();
        for (int j = 0; j < 25; j++) {
          poll.add(decision("door-" + (i + j) % doors, (i + j) % 4 != 0));
        }
        board.addDecisions(poll);
      }

      ObjectNode update = board.update(false, clock, NO_THUMBNAILS);

      assertEquals(doors * LiveBoard.PER_DOOR, update.get("decisions").size());
      assertEquals(perTick - doors * LiveBoard.PER_DOOR, update.get("notShown").asLong());
      List<Long> times = new ArrayList<>();
      update.get("decisions").forEach(d -> times.add(d.get("decidedAt").asLong()));
      assertEquals(times.stream().sorted().toList(), times, "oldest first");
      JsonNode stats = update.get("stats");
      assertEquals((tick + 1L) * perTick, stats.get("decisionsTotal").asLong());
      assertEquals(
          (tick + 1L) * perTick, stats.get("granted").asLong() + stats.get("denied").asLong());
    }
    ObjectNode quiet = board.update(false, clock, NO_THUMBNAILS);
    assertEquals(0, quiet.get("decisions").size(), "nothing new since the last tick");
    assertEquals(0, quiet.get("notShown").asLong());
  }

  @Test
  void theFullStateIsEveryDoorsLatestAndDoesNotConsumeTheNextUpdate() {
    DecisionView old = decision("a", true);
    board.addDecisions(List.of(old));
    board.update(false, clock, NO_THUMBNAILS);
    DecisionView fresh = decision("b", false);
    board.addDecisions(List.of(fresh));

    ObjectNode full = board.update(true, clock, NO_THUMBNAILS);
    ObjectNode next = board.update(false, clock, NO_THUMBNAILS);

    assertTrue(full.get("full").asBoolean());
    assertEquals(List.of(old.eventId(), fresh.eventId()), eventIds(full));
    assertEquals(List.of(fresh.eventId()), eventIds(next));
  }

  @Test
  void theLeastRecentlyActiveDoorIsDroppedBeyondTheDoorLimit() {
    for (int i = 0; i <= LiveBoard.MAX_DOORS; i++) {
      board.addDecisions(List.of(decision("door-" + i, true)));
    }

    ObjectNode full = board.update(true, clock, NO_THUMBNAILS);

    assertEquals(LiveBoard.MAX_DOORS, full.get("decisions").size());
    assertFalse(eventIds(full).contains("e" + T0), "door-0's decision is gone");
  }

  @Test
  void aProbeThumbnailIsAttachedOnlyWhenOneIsGiven() {
    DecisionView d = decision("a", true);
    board.addDecisions(List.of(d));

    ObjectNode without = board.update(true, clock, NO_THUMBNAILS);
    ObjectNode with =
        board.update(
            true, clock, id -> id.equals(d.eventId()) ? "data:image/png;base64,AAAA" : null);

    assertFalse(without.get("decisions").get(0).has("probe"));
    assertEquals("data:image/png;base64,AAAA", with.get("decisions").get(0).get("probe").asText());
  }
}
