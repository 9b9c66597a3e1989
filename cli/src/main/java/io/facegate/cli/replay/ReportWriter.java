package io.facegate.cli.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.ImageRejectedException;
import io.facegate.model.preprocess.RawImage;
import io.facegate.trainer.data.FaceImageRef;
import io.facegate.trainer.evaluation.PairDistances;
import io.facegate.trainer.plot.Plots;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * Writes {@code report.json} and {@code report.html} (with its PNG plots beside it) for a replay.
 * The HTML is self-contained apart from the plots: the error gallery embeds its faces as PNG data.
 */
public final class ReportWriter {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int WORST_ERRORS = 12;

  private ReportWriter() {}

  /**
   * @param dir the report folder (created if missing)
   * @param report the figures
   * @param ledger events and decisions, for plots and the error gallery
   * @param plan who was enrolled with which images, to show the matched person's face
   * @return the path of {@code report.html}
   */
  public static Path write(Path dir, ReplayReport report, DecisionLedger ledger, ReplayPlan plan)
      throws IOException {
    Files.createDirectories(dir);
    JSON.writeValue(dir.resolve("report.json").toFile(), report);
    Optional<PairDistances> distances = ledger.distances();
    if (distances.isPresent()) {
      Plots.roc(distances.get(), "ROC of this replay", dir.resolve("roc.png"));
      Plots.distanceHistograms(
          distances.get(),
          report.threshold() == null ? Double.NaN : report.threshold(),
          "Distance to the nearest template",
          dir.resolve("distances.png"));
    }
    LatencyPlots.histogram(ledger.latencyOverTime(), dir.resolve("latency-histogram.png"));
    LatencyPlots.overTime(ledger.latencyOverTime(), dir.resolve("latency-over-time.png"));
    Path html = dir.resolve("report.html");
    Files.writeString(
        html,
        html(report, ledger.worstErrors(WORST_ERRORS), plan, distances.isPresent()),
        StandardCharsets.UTF_8);
    return html;
  }

  private static String html(
      ReplayReport r,
      List<DecisionLedger.DecisionError> errors,
      ReplayPlan plan,
      boolean havePlots) {
    StringBuilder h = new StringBuilder(16_384);
    h.append(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>facegate replay report</title>\n")
        .append(
            "<style>body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}")
        .append(
            "td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th{text-align:left;background:#f4f4f4}")
        .append(
            ".plots img{width:560px;margin:6px}.err{display:inline-block;border:1px solid #ccc;margin:6px;padding:6px;")
        .append("font-size:12px;width:250px;vertical-align:top}.err img{width:112px;margin:2px}")
        .append(
            ".bad{color:#b00020;font-weight:bold}.good{color:#1b5e20;font-weight:bold}</style></head><body>\n");
    h.append("<h1>facegate replay report</h1>\n<p>Model <code>")
        .append(escape(r.modelVersion()))
        .append("</code>, threshold ")
        .append(r.threshold() == null ? "n/a" : String.format("%.4f", r.threshold()))
        .append(". ")
        .append(r.enrolledIdentities())
        .append(" people enrolled, ")
        .append(r.impostorIdentities())
        .append(" kept out as impostors.</p>\n");
    String lossClass = r.decidedExactlyOnce() ? "good" : "bad";
    h.append("<h2>Delivery</h2><table>")
        .append(row("events sent", r.eventsSent()))
        .append(row("decisions received", r.decisionsReceived()))
        .append("<tr><th>lost / duplicated</th><td class=\"")
        .append(lossClass)
        .append("\">")
        .append(r.lost())
        .append(" / ")
        .append(r.duplicated())
        .append("</td></tr>")
        .append(row("dead letters", r.deadLetters()))
        .append(row("throughput (events/s)", String.format("%.1f", r.throughputEps())))
        .append(
            row(
                "latency p50 / p95 / p99 / max (ms)",
                String.format(
                    "%.0f / %.0f / %.0f / %.0f",
                    r.latencyMs().p50(),
                    r.latencyMs().p95(),
                    r.latencyMs().p99(),
                    r.latencyMs().max())))
        .append("</table>\n");
    ReplayReport.Targets targets = r.targets();
    h.append("<h2>Targets at the deployed threshold: ")
        .append(targets.met() ? "all met" : "NOT MET")
        .append("</h2><table>");
    for (AcceptanceTargets.Check c : targets.checks()) {
      boolean rate = c.name().equals("far") || c.name().equals("frr");
      h.append("<tr><th>")
          .append(escape(c.name().replace('_', ' ')))
          .append(" at most ")
          .append(rate ? String.format("%.2f", c.limit()) : String.format("%.0f", c.limit()))
          .append("</th><td class=\"")
          .append(c.met() ? "good" : "bad")
          .append("\">")
          .append(rate ? String.format("%.4f", c.value()) : String.format("%.0f", c.value()))
          .append("</td></tr>");
    }
    h.append("</table>\n");
    h.append("<h2>Accuracy</h2><table>")
        .append(row("granted / denied", r.granted() + " / " + r.denied()))
        .append(row("genuine / impostor events", r.genuineEvents() + " / " + r.impostorEvents()))
        .append(row("FAR at the deployed threshold", String.format("%.4f", r.far())))
        .append(row("FRR at the deployed threshold", String.format("%.4f", r.frr())))
        .append(row("granted as somebody else", r.wrongIdentityGrants()))
        .append(
            row("EER (from distances)", r.eer() == null ? "n/a" : String.format("%.4f", r.eer())))
        .append(
            row(
                "TAR at FAR = 1 %",
                r.tarAtFar1pct() == null ? "n/a" : String.format("%.4f", r.tarAtFar1pct())))
        .append(
            row("1:N identification accuracy", String.format("%.4f", r.identificationAccuracy())))
        .append("</table>\n<h3>Decisions by reason</h3><table>");
    for (Map.Entry<String, Long> e : r.reasons().entrySet()) {
      h.append(row(e.getKey(), e.getValue()));
    }
    h.append("</table>\n<h2>Plots</h2><div class=\"plots\">");
    if (havePlots) {
      h.append(
          "<img src=\"roc.png\" alt=\"ROC curve\"><img src=\"distances.png\" alt=\"distance histograms\">");
    } else {
      h.append("<p>No ROC: the replay needs both genuine and impostor distances.</p>");
    }
    h.append("<img src=\"latency-histogram.png\" alt=\"latency histogram\">")
        .append("<img src=\"latency-over-time.png\" alt=\"latency over time\"></div>\n");
    h.append("<h2>Worst errors</h2>");
    if (errors.isEmpty()) {
      h.append("<p>None.</p>");
    }
    for (DecisionLedger.DecisionError e : errors) {
      ObservedDecision d = e.decision();
      h.append("<div class=\"err\"><div class=\"bad\">")
          .append(e.kind().replace('_', ' '))
          .append("</div>")
          .append("<img alt=\"probe\" src=\"")
          .append(dataUri(e.sent().image()))
          .append("\">");
      List<FaceImageRef> enrolled =
          d.matchedIdentity() == null
              ? List.of()
              : plan.enrollments().getOrDefault(d.matchedIdentity(), List.of());
      if (!enrolled.isEmpty()) {
        h.append("<img alt=\"enrolled\" src=\"")
            .append(dataUri(enrolled.get(0).path()))
            .append("\">");
      }
      h.append("<br>is <b>")
          .append(escape(e.sent().identity()))
          .append("</b>")
          .append(e.sent().enrolled() ? "" : " (not enrolled)")
          .append("<br>nearest <b>")
          .append(escape(d.matchedIdentity()))
          .append("</b>, distance ")
          .append(Double.isNaN(d.distance()) ? "n/a" : String.format("%.4f", d.distance()))
          .append("<br>")
          .append(escape(d.reason()))
          .append("</div>\n");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  private static String row(String name, Object value) {
    return "<tr><th>" + escape(name) + "</th><td>" + escape(String.valueOf(value)) + "</td></tr>";
  }

  private static String escape(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /**
   * A face file as a PNG data URI (browsers do not show PGM); an empty image when it cannot be
   * read.
   */
  static String dataUri(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      RawImage raw =
          new ImageDecoder(ImageLimits.defaults())
              .decode(
                  bytes,
                  io.facegate.trainer.data.FaceDataset.formatOf(file).orElseThrow(),
                  null,
                  null);
      BufferedImage img = io.facegate.cli.publish.FaceImages.toBufferedImage(raw);
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(img, "png", png);
      return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
    } catch (IOException | ImageRejectedException | RuntimeException e) {
      return "";
    }
  }
}
