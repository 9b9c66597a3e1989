package io.facegate.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionLedgerTest {

  private static final Path IMG = Path.of("x.pgm");

  private static ObservedDecision decision(
      String id, boolean granted, String matched, double distance, long at) {
    return new ObservedDecision(
        id, granted, granted ? "MATCH" : "NO_MATCH", matched, distance, 0.5, "m1", at);
  }

  @Test
  void countsLostAndDuplicatedDecisionsByEventId() {
    DecisionLedger ledger = new DecisionLedger();
    ledger.sent(new DecisionLedger.SentEvent("e1", "alice", true, 1000, IMG));
    ledger.sent(new DecisionLedger.SentEvent("e2", "alice", true, 1000, IMG));
    ledger.sent(new DecisionLedger.SentEvent("e3", "bob", false, 1000, IMG));
    ledger.decided(decision("e1", true, "alice", 0.2, 1100));
    ledger.decided(decision("e1", true, "alice", 0.2, 1150));
    ledger.decided(decision("e3", false, "alice", 0.9, 1200));
    ledger.decided(decision("other-run", true, "alice", 0.1, 1200));

    ReplayReport r = ledger.report(1, 1);

    assertEquals(3, r.eventsSent());
    assertEquals(3, r.decisionsReceived());
    assertEquals(1, r.lost());
    assertEquals(1, r.duplicated());
    assertFalse(ledger.complete());
    assertEquals(List.of("e2"), ledger.undecided());
  }

  @Test
  void ratesSeparateImpostorsGenuineUsersAndWrongIdentityGrants() {
    DecisionLedger ledger = new DecisionLedger();
    // four genuine events of alice: accepted, rejected, granted as carol, accepted
    ledger.sent(new DecisionLedger.SentEvent("g1", "alice", true, 0, IMG));
    ledger.sent(new DecisionLedger.SentEvent("g2", "alice", true, 0, IMG));
    ledger.sent(new DecisionLedger.SentEvent("g3", "alice", true, 0, IMG));
    ledger.sent(new DecisionLedger.SentEvent("g4", "alice", true, 0, IMG));
    // two impostor events of bob: one granted (a false accept), one denied
    ledger.sent(new DecisionLedger.SentEvent("i1", "bob", false, 0, IMG));
    ledger.sent(new DecisionLedger.SentEvent("i2", "bob", false, 0, IMG));
    ledger.decided(decision("g1", true, "alice", 0.1, 10));
    ledger.decided(decision("g2", false, "alice", 0.7, 20));
    ledger.decided(decision("g3", true, "carol", 0.4, 30));
    ledger.decided(decision("g4", true, "alice", 0.3, 40));
    ledger.decided(decision("i1", true, "alice", 0.45, 50));
    ledger.decided(decision("i2", false, "alice", 0.9, 60));

    ReplayReport r = ledger.report(2, 1);

    assertEquals(0.5, r.far(), 1e-12); // 1 of 2 impostor events granted
    assertEquals(0.5, r.frr(), 1e-12); // g2 rejected, g3 granted as carol
    assertEquals(1, r.wrongIdentityGrants());
    assertEquals(0.75, r.identificationAccuracy(), 1e-12); // nearest was alice in g1, g2, g4
    assertEquals(4, r.granted());
    assertEquals(2, r.denied());
    assertNotNull(r.eer());
    assertEquals(60, r.latencyMs().max(), 1e-12);
    assertEquals(0.5, r.threshold(), 1e-12);
    List<DecisionLedger.DecisionError> worst = ledger.worstErrors(10);
    assertEquals("FALSE_ACCEPT", worst.get(0).kind());
    assertEquals("WRONG_IDENTITY", worst.get(1).kind());
    assertEquals("FALSE_REJECT", worst.get(2).kind());
    assertEquals(3, worst.size());
  }

  @Test
  void noDecisionsGiveNoThresholdAndNoEer() {
    DecisionLedger ledger = new DecisionLedger();
    ledger.sent(new DecisionLedger.SentEvent("e1", "alice", true, 0, IMG));
    ReplayReport r = ledger.report(1, 0);
    assertNull(r.threshold());
    assertNull(r.eer());
    assertEquals(1, r.lost());
    assertEquals(1.0, r.frr(), 1e-12);
    assertTrue(ledger.distances().isEmpty());
  }

  @Test
  void percentilesAreNearestRank() {
    double[] samples = new double[100];
    for (int i = 0; i < 100; i++) {
      samples[i] = 100 - i;
    }
    LatencySummary s = LatencySummary.of(samples);
    assertEquals(50, s.p50(), 1e-12);
    assertEquals(95, s.p95(), 1e-12);
    assertEquals(99, s.p99(), 1e-12);
    assertEquals(100, s.max(), 1e-12);
  }
}
