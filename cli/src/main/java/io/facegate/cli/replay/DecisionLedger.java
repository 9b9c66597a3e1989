package io.facegate.cli.replay;

import io.facegate.trainer.evaluation.PairDistances;
import io.facegate.trainer.evaluation.VerificationMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Matches every published event with the decisions that came back for it, by event id, and turns
 * the result into a {@link ReplayReport}. Ground truth stays here, never in the event. Thread-safe:
 * the publishing thread and the collector thread use it at the same time.
 */
public final class DecisionLedger {

  /**
   * One published event and its ground truth.
   *
   * @param eventId the event's id
   * @param identity who the face really is
   * @param enrolled whether that person is in the gallery
   * @param captureTimeMillis the event's capture time
   * @param image the image file that was sent
   */
  public record SentEvent(
      String eventId, String identity, boolean enrolled, long captureTimeMillis, Path image) {}

  /**
   * A wrong decision, for the report's gallery of worst errors.
   *
   * @param kind {@code FALSE_ACCEPT}, {@code WRONG_IDENTITY} or {@code FALSE_REJECT}
   * @param sent the event
   * @param decision the decision it got
   */
  public record DecisionError(String kind, SentEvent sent, ObservedDecision decision) {}

  private final Map<String, SentEvent> sent = new LinkedHashMap<>();
  private final Map<String, List<ObservedDecision>> decisions = new LinkedHashMap<>();
  private final Set<String> deadLettered = new HashSet<>();
  private long firstSentMillis = Long.MAX_VALUE;

  /** Records a published event; call before its decision can arrive. */
  public synchronized void sent(SentEvent event) {
    if (sent.putIfAbsent(event.eventId(), event) != null) {
      throw new IllegalArgumentException("event id sent twice: " + event.eventId());
    }
    firstSentMillis = Math.min(firstSentMillis, event.captureTimeMillis());
  }

  /** Records a decision; decisions for events of other runs are ignored. */
  public synchronized void decided(ObservedDecision decision) {
    if (sent.containsKey(decision.eventId())) {
      decisions.computeIfAbsent(decision.eventId(), id -> new ArrayList<>(1)).add(decision);
    }
  }

  /** Records a dead letter naming one of this run's events. */
  public synchronized void deadLettered(String eventId) {
    if (eventId != null && sent.containsKey(eventId)) {
      deadLettered.add(eventId);
    }
  }

  /**
   * @return events sent so far
   */
  public synchronized int sentCount() {
    return sent.size();
  }

  /**
   * @return events with at least one decision
   */
  public synchronized int decidedCount() {
    return decisions.size();
  }

  /**
   * @return true when every sent event has a decision
   */
  public synchronized boolean complete() {
    return decisions.size() == sent.size();
  }

  /**
   * @return the event ids still without a decision
   */
  public synchronized List<String> undecided() {
    return sent.keySet().stream().filter(id -> !decisions.containsKey(id)).toList();
  }

  /**
   * @param enrolledIdentities people enrolled for this replay
   * @param impostorIdentities people kept out of the gallery
   * @return the figures of this replay
   */
  public synchronized ReplayReport report(int enrolledIdentities, int impostorIdentities) {
    long received = 0;
    long duplicated = 0;
    long granted = 0;
    long genuine = 0;
    long impostor = 0;
    long impostorGranted = 0;
    long genuineNotAccepted = 0;
    long wrongIdentity = 0;
    long identified = 0;
    long lastReceived = firstSentMillis;
    double threshold = Double.NaN;
    String modelVersion = null;
    List<Double> latencies = new ArrayList<>();
    Map<String, Long> reasons = new TreeMap<>();
    for (SentEvent event : sent.values()) {
      if (event.enrolled()) {
        genuine++;
      } else {
        impostor++;
      }
      List<ObservedDecision> got = decisions.getOrDefault(event.eventId(), List.of());
      received += got.size();
      duplicated += Math.max(0, got.size() - 1);
      if (got.isEmpty()) {
        if (event.enrolled()) {
          genuineNotAccepted++;
        }
        continue;
      }
      ObservedDecision d = got.get(0);
      reasons.merge(d.reason(), 1L, Long::sum);
      latencies.add((double) (d.receivedAtMillis() - event.captureTimeMillis()));
      lastReceived = Math.max(lastReceived, d.receivedAtMillis());
      if (Double.isNaN(threshold)) {
        threshold = d.threshold();
      }
      if (modelVersion == null) {
        modelVersion = d.modelVersion();
      }
      boolean self = event.identity().equals(d.matchedIdentity());
      if (d.granted()) {
        granted++;
      }
      if (event.enrolled()) {
        if (self) {
          identified++;
        }
        if (!d.granted() || !self) {
          genuineNotAccepted++;
        }
        if (d.granted() && !self) {
          wrongIdentity++;
        }
      } else if (d.granted()) {
        impostorGranted++;
      }
    }
    Optional<PairDistances> distances = distances();
    Double eer = distances.map(pd -> VerificationMetrics.equalErrorRate(pd)[0]).orElse(null);
    Double tar = distances.map(pd -> VerificationMetrics.tarAtFar(pd, 0.01)).orElse(null);
    long decided = decisions.size();
    double seconds = Math.max(1, lastReceived - firstSentMillis) / 1000.0;
    return new ReplayReport(
        sent.size(),
        received,
        sent.size() - decided,
        duplicated,
        granted,
        decided - granted,
        genuine,
        impostor,
        ratio(impostorGranted, impostor),
        ratio(genuineNotAccepted, genuine),
        wrongIdentity,
        eer,
        tar,
        ratio(identified, genuine),
        deadLettered.size(),
        sent.isEmpty() ? 0 : decided / seconds,
        LatencySummary.of(latencies.stream().mapToDouble(Double::doubleValue).toArray()),
        Double.isNaN(threshold) ? null : threshold,
        modelVersion,
        enrolledIdentities,
        impostorIdentities,
        reasons);
  }

  /**
   * A genuine score is the distance to the person's own template when it was the nearest; every
   * other distance (an impostor's nearest, or a genuine user's nearest that is somebody else) is an
   * impostor score.
   *
   * @return genuine and impostor distances as the trainer's evaluation sees them; empty without
   *     both kinds
   */
  public synchronized Optional<PairDistances> distances() {
    List<Double> genuine = new ArrayList<>();
    List<Double> impostor = new ArrayList<>();
    for (SentEvent event : sent.values()) {
      List<ObservedDecision> got = decisions.get(event.eventId());
      if (got == null || Double.isNaN(got.get(0).distance())) {
        continue;
      }
      ObservedDecision d = got.get(0);
      (event.enrolled() && event.identity().equals(d.matchedIdentity()) ? genuine : impostor)
          .add(d.distance());
    }
    return genuine.isEmpty() || impostor.isEmpty()
        ? Optional.empty()
        : Optional.of(distances(genuine, impostor));
  }

  /**
   * @return (seconds since the first event, latency ms) for every decided event, in sending order
   */
  public synchronized List<double[]> latencyOverTime() {
    List<double[]> points = new ArrayList<>();
    for (SentEvent event : sent.values()) {
      List<ObservedDecision> got = decisions.get(event.eventId());
      if (got != null) {
        points.add(
            new double[] {
              (event.captureTimeMillis() - firstSentMillis) / 1000.0,
              got.get(0).receivedAtMillis() - event.captureTimeMillis()
            });
      }
    }
    return points;
  }

  /**
   * The worst errors: false accepts of impostors first (closest distance first), then genuine users
   * granted as somebody else, then false rejects (largest distance first).
   *
   * @param limit how many at most
   */
  public synchronized List<DecisionError> worstErrors(int limit) {
    List<DecisionError> falseAccepts = new ArrayList<>();
    List<DecisionError> wrongIdentity = new ArrayList<>();
    List<DecisionError> falseRejects = new ArrayList<>();
    for (SentEvent event : sent.values()) {
      List<ObservedDecision> got = decisions.get(event.eventId());
      if (got == null) {
        continue;
      }
      ObservedDecision d = got.get(0);
      boolean self = event.identity().equals(d.matchedIdentity());
      if (d.granted() && !event.enrolled()) {
        falseAccepts.add(new DecisionError("FALSE_ACCEPT", event, d));
      } else if (d.granted() && !self) {
        wrongIdentity.add(new DecisionError("WRONG_IDENTITY", event, d));
      } else if (!d.granted() && event.enrolled()) {
        falseRejects.add(new DecisionError("FALSE_REJECT", event, d));
      }
    }
    Comparator<DecisionError> closest = Comparator.comparingDouble(e -> e.decision().distance());
    falseAccepts.sort(closest);
    wrongIdentity.sort(closest);
    falseRejects.sort(closest.reversed());
    List<DecisionError> all = new ArrayList<>(falseAccepts);
    all.addAll(wrongIdentity);
    all.addAll(falseRejects);
    return all.subList(0, Math.min(limit, all.size()));
  }

  private static PairDistances distances(List<Double> genuine, List<Double> impostor) {
    return new PairDistances(
        genuine.stream().mapToDouble(Double::doubleValue).toArray(),
        impostor.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static double ratio(long part, long whole) {
    return whole == 0 ? 0 : (double) part / whole;
  }
}
