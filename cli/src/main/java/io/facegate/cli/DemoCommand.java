package io.facegate.cli;

import io.facegate.cli.replay.ReplayRun;
import io.facegate.processor.app.ProcessorApp;
import io.facegate.processor.app.ProcessorConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code facegate demo}: the whole system on one machine, no services needed. An in-process broker
 * and an in-JVM schema registry, a model trained on the shared ORL faces (or the cached one), the
 * processor, then a replay that enrols some people, keeps others out, and reports.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run everything on this machine: in-process Kafka broker and schema registry, train a model on ORL",
            "(or reuse the cached one), start the processor, enrol, replay, print a summary and write report.json/report.html."})
public final class DemoCommand implements Callable<Integer> {

    /**
     * A door's operating point: the threshold is calibrated for 0.1 % false accepts per comparison
     * on the validation people. A 1:N search compares an impostor with every enrolled person, so
     * its chance of some false match grows with the gallery; an EER threshold would open the door
     * for most impostors.
     */
    private static final String DEMO_TARGET_FAR = "0.001";

    @Spec
    private CommandSpec spec;

    @Option(names = "--out", defaultValue = "demo-out", paramLabel = "DIR", description = "Where the report goes (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--data", paramLabel = "DIR", description = "Folder-per-identity faces (default: ../shared/datasets/orl-faces beside the clone).")
    private Path data;

    @Option(names = "--model", paramLabel = "DIR", description = "Use this trained model (model.onnx + model-card.json) instead of training or the cache.")
    private Path model;

    @Option(names = "--retrain", description = "Train a new model even if a cached one exists.")
    private boolean retrain;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed for training and the replay split (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--enroll-per-person", defaultValue = "3", paramLabel = "K", description = "Images per enrolled person (default: ${DEFAULT-VALUE}).")
    private int enrollPerPerson;

    @Option(names = "--unknown-fraction", defaultValue = "0.25", paramLabel = "F", description = "Share of people kept out as impostors (default: ${DEFAULT-VALUE}).")
    private double unknownFraction;

    @Option(names = "--rate", defaultValue = "50", paramLabel = "R", description = "Camera events per second during the replay; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    private double rate;

    @Option(names = "--dashboard", arity = "0..1", fallbackValue = "" + DashboardCommand.DEFAULT_PORT, paramLabel = "PORT",
            description = "Serve the live dashboard (default port " + DashboardCommand.DEFAULT_PORT + ") and keep it and the pipeline running after the replay, until Ctrl-C.")
    private Integer dashboardPort;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter o = spec.commandLine().getOut();
        Path dataset = data != null ? data : defaultDataset();
        if (!Files.isDirectory(dataset)) {
            throw new CommandFailedException("dataset folder not found: " + dataset
                    + " (put the shared datasets beside the clone as ../shared, or pass --data DIR)");
        }
        Path modelDir = model != null ? model : trainedModel(dataset, o);
        if (!Files.isRegularFile(modelDir.resolve("model.onnx"))) {
            throw new CommandFailedException("model file not found: " + modelDir.resolve("model.onnx"));
        }
        Path stateDir = Files.createTempDirectory("facegate-demo-state");
        step(o, "starting the in-process Kafka broker (KRaft), an in-JVM schema registry and the processor with " + modelDir);
        Map<String, String> processor = Map.of(ProcessorConfig.MODEL_DIR, modelDir.toString(), ProcessorConfig.DEVICE, "cpu");
        try (LocalPipeline pipeline = LocalPipeline.start(processor, 2, stateDir, "demo");
             DemoDashboard dashboard = DemoDashboard.start(pipeline, dashboardPort, o)) {
            ProcessorApp app = pipeline.app();
            step(o, "broker at " + pipeline.bootstrapServers() + "; processor ready on " + app.device()
                    + " (metrics: http://127.0.0.1:" + app.httpPort() + "/metrics)");
            ReplayRun.Options options = new ReplayRun.Options(List.of(dataset), enrollPerPerson, unknownFraction, rate, seed,
                    out, "demo-camera", "demo-door", Duration.ofSeconds(120), Duration.ofSeconds(60),
                    io.facegate.schemas.ImageKind.CROP);
            ReplayRun.Result result;
            try (FacegateClients clients = FacegateClients.connect(pipeline.settings(), List.of())) {
                result = ReplayRun.run(clients, options, o);
            }
            step(o, "summary");
            result.report().summaryLines().forEach(line -> o.println("  " + line));
            o.println("report: " + result.html().toAbsolutePath() + " (and report.json beside it)");
            o.flush();
            dashboard.holdUntilInterrupted();
            return result.report().decidedExactlyOnce()
                    ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
        } finally {
            deleteQuietly(stateDir);
        }
    }

    /**
     * The cached demo model for this dataset and seed, trained first when there is none (or
     * {@code --retrain}). The cache key is the dataset path, the seed and the demo's epochs.
     */
    private Path trainedModel(Path dataset, PrintWriter o) throws IOException {
        Path cache = Path.of(".facegate", "models", "demo-" + dataset.getFileName() + "-seed" + seed);
        Path keyFile = cache.resolve("demo-key.txt");
        String key = dataset.toAbsolutePath().normalize() + " seed=" + seed + " target-far=" + DEMO_TARGET_FAR;
        boolean cached = Files.isRegularFile(cache.resolve("model.onnx")) && Files.isRegularFile(keyFile)
                && Files.readString(keyFile, StandardCharsets.UTF_8).equals(key);
        if (cached && !retrain) {
            step(o, "reusing the cached model in " + cache.toAbsolutePath() + " (--retrain to train a new one)");
            return cache;
        }
        step(o, "training a model on " + dataset + " (seed " + seed + ", the trainer's default recipe, threshold at "
                + DEMO_TARGET_FAR + " FAR; cached in " + cache + " for the next run)");
        int code = new CommandLine(new TrainCommand()).execute("--data", dataset.toString(), "--out", cache.toString(),
                "--seed", Long.toString(seed), "--target-far", DEMO_TARGET_FAR);
        if (code != 0) {
            throw new CommandFailedException("training failed (exit code " + code + "); see the lines above");
        }
        Files.writeString(keyFile, key, StandardCharsets.UTF_8);
        return cache;
    }

    /** {@code ../shared/datasets/orl-faces} next to the working directory, else next to this clone. */
    private static Path defaultDataset() {
        Path fromCwd = Path.of("..", "shared", "datasets", "orl-faces");
        if (Files.isDirectory(fromCwd)) {
            return fromCwd;
        }
        try {
            // cli/target/classes -> repository root
            Path classes = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = classes.getParent().getParent().getParent();
            return root.resolveSibling("shared").resolve("datasets").resolve("orl-faces");
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
