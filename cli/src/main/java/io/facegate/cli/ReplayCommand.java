package io.facegate.cli;

import io.facegate.cli.replay.ReplayRun;
import io.facegate.schemas.ImageKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code facegate replay}: measure a running pipeline's accuracy, delivery and latency on a
 * dataset.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate the RUNNING pipeline: enrol K images of some people, keep others out as impostors,",
      "publish every remaining image as a camera event, collect every decision, write report.json and report.html."
    })
public final class ReplayCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Mixin private ClusterOptions cluster;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "Folder-per-identity dataset (repeatable).")
  private List<Path> data;

  @Option(
      names = "--report",
      required = true,
      paramLabel = "DIR",
      description = "Where report.json and report.html go.")
  private Path report;

  @Option(
      names = "--enroll-per-person",
      defaultValue = "3",
      paramLabel = "K",
      description = "Images per enrolled person (default: ${DEFAULT-VALUE}).")
  private int enrollPerPerson;

  @Option(
      names = "--unknown-fraction",
      defaultValue = "0.25",
      paramLabel = "F",
      description = "Share of people kept out as impostors (default: ${DEFAULT-VALUE}).")
  private double unknownFraction;

  @Option(
      names = "--rate",
      defaultValue = "0",
      paramLabel = "R",
      description = "Events per second; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
  private double rate;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "N",
      description = "Seed of the split and the order (default: ${DEFAULT-VALUE}).")
  private long seed;

  @Option(
      names = "--idle-timeout",
      defaultValue = "60",
      paramLabel = "S",
      description =
          "Seconds without a new decision before the rest count as lost (default: ${DEFAULT-VALUE}).")
  private long idleSeconds;

  @Option(
      names = "--frames",
      description =
          "The images are whole camera frames: the processor finds the face "
              + "(the model must name a face detector).")
  private boolean frames;

  @Override
  public Integer call() throws IOException, InterruptedException {
    ReplayRun.Options options =
        new ReplayRun.Options(
            data,
            enrollPerPerson,
            unknownFraction,
            rate,
            seed,
            report,
            "replay-camera",
            "replay-door",
            Duration.ofSeconds(120),
            Duration.ofSeconds(idleSeconds),
            frames ? ImageKind.FRAME : ImageKind.CROP);
    PrintWriter out = spec.commandLine().getOut();
    try (FacegateClients clients = FacegateClients.connect(cluster.settings(), List.of())) {
      ReplayRun.Result result = ReplayRun.run(clients, options, out);
      result.report().summaryLines().forEach(out::println);
      out.println("report: " + result.html().toAbsolutePath());
      out.flush();
      return result.report().decidedExactlyOnce()
          ? CommandLine.ExitCode.OK
          : CommandLine.ExitCode.SOFTWARE;
    } catch (IllegalArgumentException e) {
      throw new CommandFailedException(e.getMessage());
    }
  }
}
