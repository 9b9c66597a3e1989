package io.facegate.cli.replay;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What a replay must show at the threshold the processor used before a door may rely on the model:
 * every event decided exactly once (lost 0, duplicated 0), nobody let in as somebody else, impostor
 * events granted at most {@code maxFar}, genuine events not let in as themselves at most {@code
 * maxFrr}.
 *
 * @param maxFar the largest acceptable share of impostor events granted
 * @param maxFrr the largest acceptable share of genuine events not granted as themselves
 */
public record AcceptanceTargets(double maxFar, double maxFrr) {

  /** A door's targets: FAR at most 1 %, FRR at most 5 %. */
  public static final AcceptanceTargets DOOR = new AcceptanceTargets(0.01, 0.05);

  /**
   * One target and how the replay fared.
   *
   * @param name what is measured
   * @param value the replay's figure
   * @param limit the largest acceptable figure
   * @param met whether the figure is within the limit
   */
  public record Check(
      @JsonProperty("name") String name,
      @JsonProperty("value") double value,
      @JsonProperty("limit") double limit,
      @JsonProperty("met") boolean met) {

    static Check atMost(String name, double value, double limit) {
      // NaN (no events of a kind) is not within any limit
      return new Check(name, value, limit, value <= limit);
    }
  }

  /** The checks, in a fixed order: lost, duplicated, wrong-identity grants, FAR, FRR. */
  public List<Check> checks(ReplayReport r) {
    return List.of(
        Check.atMost("lost", r.lost(), 0),
        Check.atMost("duplicated", r.duplicated(), 0),
        Check.atMost("wrong_identity_grants", r.wrongIdentityGrants(), 0),
        Check.atMost("far", r.impostorEvents() == 0 ? Double.NaN : r.far(), maxFar),
        Check.atMost("frr", r.genuineEvents() == 0 ? Double.NaN : r.frr(), maxFrr));
  }

  /** Whether every check is met. */
  public boolean met(ReplayReport r) {
    return checks(r).stream().allMatch(Check::met);
  }

  /** One line for a terminal: each check with its figure, then whether all are met. */
  public String summaryLine(ReplayReport r) {
    StringBuilder line =
        new StringBuilder("targets at threshold ")
            .append(r.threshold() == null ? "n/a" : String.format("%.4f", r.threshold()))
            .append(": ");
    for (Check c : checks(r)) {
      boolean rate = c.name().equals("far") || c.name().equals("frr");
      line.append(c.name())
          .append(' ')
          .append(
              rate
                  ? String.format("%.4f <= %.2f", c.value(), c.limit())
                  : String.format("%.0f", c.value()))
          .append(c.met() ? " ok" : " FAILED")
          .append(", ");
    }
    return line.append(met(r) ? "all met" : "NOT MET").toString();
  }
}
