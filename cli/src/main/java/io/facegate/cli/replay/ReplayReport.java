package io.facegate.cli.replay;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The figures of one replay: {@code report.json}. Field names are a contract read by other tools
 * (documented in the README); rates are fractions in [0, 1].
 *
 * @param eventsSent camera events published
 * @param decisionsReceived decisions received for those events, duplicates included
 * @param lost events without any decision
 * @param duplicated decisions beyond the first for an event
 * @param granted events whose (first) decision was GRANTED
 * @param denied events whose (first) decision was DENIED
 * @param genuineEvents events of enrolled people
 * @param impostorEvents events of people not enrolled
 * @param far impostor events granted / impostor events
 * @param frr genuine events not granted as themselves / genuine events
 * @param wrongIdentityGrants genuine events granted as somebody else (also false accepts)
 * @param eer equal error rate over the decisions' distances (genuine vs impostor events); null
 *     without both kinds
 * @param tarAtFar1pct genuine acceptance rate at the distance threshold giving 1 % FAR; null
 *     without both kinds
 * @param identificationAccuracy genuine events whose nearest template was their own
 * @param deadLetters dead letters for this run's events
 * @param throughputEps events per second, first event sent to last decision received
 * @param latencyMs end-to-end latency, capture time to decision received
 * @param threshold the distance threshold the processor used; null when no decision came back
 * @param modelVersion the model that decided
 * @param enrolledIdentities people enrolled for the replay
 * @param impostorIdentities people kept out of the gallery
 * @param reasons decisions by reason
 */
@JsonPropertyOrder(alphabetic = false)
public record ReplayReport(
    @JsonProperty("events_sent") long eventsSent,
    @JsonProperty("decisions_received") long decisionsReceived,
    @JsonProperty("lost") long lost,
    @JsonProperty("duplicated") long duplicated,
    @JsonProperty("granted") long granted,
    @JsonProperty("denied") long denied,
    @JsonProperty("genuine_events") long genuineEvents,
    @JsonProperty("impostor_events") long impostorEvents,
    @JsonProperty("far") double far,
    @JsonProperty("frr") double frr,
    @JsonProperty("wrong_identity_grants") long wrongIdentityGrants,
    @JsonProperty("eer") Double eer,
    @JsonProperty("tar_at_far_1pct") Double tarAtFar1pct,
    @JsonProperty("identification_accuracy") double identificationAccuracy,
    @JsonProperty("dead_letters") long deadLetters,
    @JsonProperty("throughput_eps") double throughputEps,
    @JsonProperty("latency_ms") LatencySummary latencyMs,
    @JsonProperty("threshold") Double threshold,
    @JsonProperty("model_version") String modelVersion,
    @JsonProperty("enrolled_identities") int enrolledIdentities,
    @JsonProperty("impostor_identities") int impostorIdentities,
    @JsonProperty("reasons") java.util.Map<String, Long> reasons) {

  /**
   * @return true when every event got exactly one decision (nothing lost, nothing duplicated)
   */
  public boolean decidedExactlyOnce() {
    return lost == 0 && duplicated == 0;
  }

  /**
   * @return the door's acceptance targets ({@link AcceptanceTargets#DOOR}) checked against this
   *     replay
   */
  @JsonProperty("targets")
  public Targets targets() {
    AcceptanceTargets t = AcceptanceTargets.DOOR;
    return new Targets(t.met(this), t.checks(this));
  }

  /**
   * The {@code targets} object of {@code report.json}.
   *
   * @param met whether every check is met
   * @param checks lost, duplicated, wrong-identity grants, FAR, FRR with their limits
   */
  public record Targets(
      @JsonProperty("met") boolean met,
      @JsonProperty("checks") List<AcceptanceTargets.Check> checks) {}

  /**
   * @return the key figures as short lines for a terminal summary
   */
  public List<String> summaryLines() {
    return List.of(
        String.format(
            "events sent %d, decisions received %d, lost %d, duplicated %d, dead letters %d",
            eventsSent, decisionsReceived, lost, duplicated, deadLetters),
        String.format(
            "granted %d, denied %d (genuine events %d, impostor events %d)",
            granted, denied, genuineEvents, impostorEvents),
        String.format(
            "FAR %.4f, FRR %.4f at threshold %s; wrong-identity grants %d",
            far, frr, format(threshold), wrongIdentityGrants),
        String.format(
            "EER %s, TAR@FAR=1%% %s, 1:N identification accuracy %.4f",
            format(eer), format(tarAtFar1pct), identificationAccuracy),
        String.format(
            "throughput %.1f events/s; latency ms p50 %.0f, p95 %.0f, p99 %.0f, max %.0f",
            throughputEps, latencyMs.p50(), latencyMs.p95(), latencyMs.p99(), latencyMs.max()),
        "model " + modelVersion,
        AcceptanceTargets.DOOR.summaryLine(this));
  }

  private static String format(Double value) {
    return value == null ? "n/a" : String.format("%.4f", value);
  }
}
