package io.facegate.cli.replay;

import io.facegate.cli.FacegateClients;
import io.facegate.cli.publish.Enroller;
import io.facegate.cli.publish.FramePublisher;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.ImageKind;
import io.facegate.trainer.data.FaceDataset;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The evaluation workflow through a running pipeline: forget the impostors, enrol the others, wait
 * for their templates, publish every remaining image as a camera event, collect every decision, and
 * write the report.
 */
public final class ReplayRun {

  /**
   * @param data folder-per-identity datasets
   * @param enrollPerPerson K images per enrolled person
   * @param unknownFraction share of people kept out of the gallery as impostors
   * @param eventsPerSecond publishing rate; 0: as fast as possible
   * @param seed for the split and the order
   * @param reportDir where report.json and report.html go
   * @param cameraId camera id on the events
   * @param doorId door id on the events
   * @param templateTimeout how long to wait for the enrolled templates
   * @param idleTimeout how long without a new decision before the rest count as lost
   * @param kind whether the images are crops or whole frames (the processor finds the face)
   */
  public record Options(
      List<Path> data,
      int enrollPerPerson,
      double unknownFraction,
      double eventsPerSecond,
      long seed,
      Path reportDir,
      String cameraId,
      String doorId,
      Duration templateTimeout,
      Duration idleTimeout,
      ImageKind kind) {}

  /**
   * The outcome of a replay.
   *
   * @param report the figures
   * @param html the HTML report's path
   */
  public record Result(ReplayReport report, Path html) {}

  private ReplayRun() {}

  /**
   * Runs the replay against the cluster behind {@code clients}.
   *
   * @param out where progress and the summary go
   */
  public static Result run(FacegateClients clients, Options options, PrintWriter out)
      throws IOException, InterruptedException {
    FaceDataset dataset = FaceDataset.scan(options.data());
    ReplayPlan plan =
        ReplayPlan.create(
            dataset, options.enrollPerPerson(), options.unknownFraction(), options.seed());
    out.printf(
        "replay: %d people enrolled with up to %d images each, %d kept out as impostors, %d events to send%n",
        plan.enrollments().size(),
        options.enrollPerPerson(),
        plan.impostors().size(),
        plan.probes().size());
    out.flush();
    DecisionLedger ledger = new DecisionLedger();
    try (DecisionCollector collector =
            new DecisionCollector(clients.committedReader(), clients.topics(), ledger);
        KafkaProducer<String, Enrollment> enrollments =
            clients.producer(clients.topics().enrollments());
        KafkaProducer<String, FaceEvent> frames =
            clients.producer(clients.topics().cameraFrames())) {
      Enroller enroller =
          new Enroller(enrollments, clients.topics().enrollments().name(), options.kind());
      // an impostor may have been enrolled by an earlier run: make sure the gallery forgets them
      for (String impostor : plan.impostors()) {
        enroller.forget(impostor);
      }
      for (var e : plan.enrollments().entrySet()) {
        enroller.enroll(e.getKey(), e.getKey(), e.getValue());
      }
      enroller.flush();
      Set<String> missing =
          collector.awaitTemplates(
              new HashSet<>(plan.enrollments().keySet()), options.templateTimeout());
      if (!missing.isEmpty()) {
        out.printf(
            "replay: %d of %d enrolled people have no template after %d s (is the processor running?)%n",
            missing.size(), plan.enrollments().size(), options.templateTimeout().toSeconds());
      } else {
        out.printf(
            "replay: all %d templates are in the embedding store%n", plan.enrollments().size());
      }
      out.flush();
      FramePublisher publisher =
          new FramePublisher(
              frames,
              clients.topics().cameraFrames().name(),
              options.cameraId(),
              options.doorId(),
              options.eventsPerSecond(),
              out,
              options.kind());
      for (ReplayPlan.Probe probe : plan.probes()) {
        publisher.publish(
            probe.image(),
            null,
            event ->
                ledger.sent(
                    new DecisionLedger.SentEvent(
                        event.getEventId(),
                        probe.identity(),
                        probe.enrolled(),
                        event.getCaptureTime().toEpochMilli(),
                        probe.image().path())));
      }
      publisher.finish();
      boolean complete = collector.awaitDecisions(options.idleTimeout());
      if (!complete) {
        out.printf(
            "replay: no new decision for %d s; %d events are counted as lost%n",
            options.idleTimeout().toSeconds(), ledger.undecided().size());
      }
    }
    ReplayReport report = ledger.report(plan.enrollments().size(), plan.impostors().size());
    Path html = ReportWriter.write(options.reportDir(), report, ledger, plan);
    return new Result(report, html);
  }
}
