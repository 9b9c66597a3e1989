package io.facegate.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LastMinuteTest {

  private static final long NOW = 1_700_000_000L;

  private final LastMinute window = new LastMinute();

  @Test
  void anEmptyWindowHasNoCountsAndNoPercentiles() {
    LastMinute.Summary s = window.summary(NOW);

    assertEquals(0, s.granted());
    assertEquals(0, s.denied());
    assertEquals(Map.of(), s.deniedByReason());
    assertEquals(Map.of(), s.deadLettersByReason());
    assertEquals(-1, s.p50());
    assertEquals(-1, s.p95());
    assertEquals(-1, s.p99());
    assertArrayEquals(new long[LastMinute.SECONDS], s.perSecondGranted());
    assertArrayEquals(new long[LastMinute.SECONDS], s.perSecondDenied());
  }

  @Test
  void countsGrantsAndDenialsByReasonPerSecondOldestFirst() {
    window.decision(NOW - 2, true, "MATCH", 10);
    window.decision(NOW - 2, false, "NO_MATCH", 10);
    window.decision(NOW, true, "MATCH", 10);
    window.decision(NOW, false, "NO_MATCH", 10);
    window.decision(NOW, false, "BAD_IMAGE", 10);
    window.decision(NOW - 59, true, "MATCH", 10);

    LastMinute.Summary s = window.summary(NOW);

    assertEquals(3, s.granted());
    assertEquals(3, s.denied());
    assertEquals(Map.of("NO_MATCH", 2L, "BAD_IMAGE", 1L), s.deniedByReason());
    long[] granted = new long[LastMinute.SECONDS];
    granted[0] = 1;
    granted[57] = 1;
    granted[59] = 1;
    long[] denied = new long[LastMinute.SECONDS];
    denied[57] = 1;
    denied[59] = 2;
    assertArrayEquals(granted, s.perSecondGranted());
    assertArrayEquals(denied, s.perSecondDenied());
  }

  @Test
  void percentilesAreNearestRankOverTheWholeWindow() {
    // 1..100 ms spread over ten seconds, in shuffled order
    for (int i = 0; i < 100; i++) {
      long latency = (i * 37) % 100 + 1;
      window.decision(NOW - i % 10, latency % 2 == 0, "NO_MATCH", latency);
    }

    LastMinute.Summary s = window.summary(NOW);

    assertEquals(50, s.p50());
    assertEquals(95, s.p95());
    assertEquals(99, s.p99());
    assertEquals(1, LastMinute.percentile(new long[] {1}, 0.99));
    assertEquals(2, LastMinute.percentile(new long[] {1, 2}, 0.51));
  }

  @Test
  void aSecondLeavesTheWindowSixtySecondsLater() {
    window.decision(NOW, false, "NO_MATCH", 40);
    window.deadLetter(NOW, "DESERIALIZATION");

    LastMinute.Summary last = window.summary(NOW + 59);
    assertEquals(1, last.denied());
    assertEquals(1, last.perSecondDenied()[0]);
    assertEquals(Map.of("DESERIALIZATION", 1L), last.deadLettersByReason());
    assertEquals(40, last.p99());

    LastMinute.Summary gone = window.summary(NOW + 60);
    assertEquals(0, gone.denied());
    assertEquals(Map.of(), gone.deadLettersByReason());
    assertEquals(-1, gone.p50());
  }

  @Test
  void aNewSecondInTheSameSlotStartsFromZero() {
    window.decision(NOW, true, "MATCH", 900);
    window.decision(NOW + LastMinute.SECONDS, true, "MATCH", 5);

    LastMinute.Summary s = window.summary(NOW + LastMinute.SECONDS);

    assertEquals(1, s.granted());
    assertEquals(5, s.p99());
  }

  @Test
  void aLateRecordAMinuteOldDoesNotWipeTheSecondInItsSlot() {
    window.decision(NOW, true, "MATCH", 5);
    window.decision(NOW, false, "NO_MATCH", 5);

    window.decision(NOW - LastMinute.SECONDS, false, "BAD_IMAGE", 999);
    window.deadLetter(NOW - 2 * LastMinute.SECONDS, "DESERIALIZATION");

    LastMinute.Summary s = window.summary(NOW);
    assertEquals(1, s.granted());
    assertEquals(Map.of("NO_MATCH", 1L), s.deniedByReason());
    assertEquals(Map.of(), s.deadLettersByReason());
    assertEquals(5, s.p99());
  }

  @Test
  void aRecordFromTheFutureIsNotCountedUntilItsSecond() {
    window.decision(NOW + 1, true, "MATCH", 5);

    assertEquals(0, window.summary(NOW).granted());
    assertEquals(1, window.summary(NOW + 1).granted());
  }

  @Test
  void beyondTheSampleCapASecondStillCountsEveryDecision() {
    for (int i = 0; i < LastMinute.MAX_SAMPLES_PER_SECOND; i++) {
      window.decision(NOW, true, "MATCH", 10);
    }
    for (int i = 0; i < 5_000; i++) {
      window.decision(NOW, true, "MATCH", 10_000);
    }

    LastMinute.Summary s = window.summary(NOW);

    assertEquals(LastMinute.MAX_SAMPLES_PER_SECOND + 5_000, s.granted());
    assertEquals(10, s.p99(), "percentiles come from the second's first samples");
  }
}
