package io.facegate.cli.demo;

import ai.onnxruntime.OrtException;
import io.facegate.cli.CommandFailedException;
import io.facegate.trainer.data.DatasetException;
import io.facegate.trainer.finetune.Backbone;
import io.facegate.trainer.pipeline.TrainPipeline;
import io.facegate.trainer.pretrained.EmbeddingImport;
import io.facegate.trainer.pretrained.PretrainedCatalogue;
import io.facegate.trainer.pretrained.PretrainedFetchException;
import io.facegate.trainer.pretrained.TfjsFormatException;
import io.facegate.trainer.pretrained.ThresholdSource;
import io.facegate.trainer.training.TrainingDefaults;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The demo's model, cached under {@code .facegate/models}: by default the recommended pretrained
 * backbone imported with a threshold calibrated on people the demo does not replay; when its
 * weights cannot be had (no npm and no cache) and no recipe was asked for, one line says why and
 * the from-scratch network is trained instead. Both recipes call the same code as {@code facegate
 * pretrained import} ({@link EmbeddingImport}) and {@code facegate train} ({@link TrainPipeline}
 * with {@link TrainingDefaults}).
 */
public final class DemoModels {

  /** How the demo's model is made. */
  public enum Recipe {
    /** The recommended pretrained backbone, imported, threshold calibrated on other people. */
    PRETRAINED,
    /** The small CNN trained from scratch on the demo's dataset. */
    SCRATCH;

    /**
     * @throws IllegalArgumentException naming the values
     */
    public static Recipe parse(String value) {
      for (Recipe r : values()) {
        if (r.name().toLowerCase(Locale.ROOT).equals(value)) {
          return r;
        }
      }
      throw new IllegalArgumentException("--recipe must be scratch or pretrained, got " + value);
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The scratch recipe's operating point: 0.1 % false accepts per comparison on its validation
   * people. A 1:N search compares an impostor with every enrolled person, so its chance of some
   * false match grows with the gallery; an EER threshold would open the door for most impostors.
   */
  public static final double SCRATCH_TARGET_FAR = 0.001;

  /**
   * The pretrained recipe's operating point: 0.01 % false accepts per pair of the calibration
   * people. The demo's gallery holds 30 people, so about 30 comparisons per impostor event: a
   * per-pair rate ten times under 1 % / 30 leaves room for a population unlike the calibration one.
   */
  public static final double PRETRAINED_TARGET_FAR = 0.0001;

  /**
   * The file that says what a cached model was made from; written last, so a partial build is never
   * reused.
   */
  static final String KEY_FILE = "demo-key.txt";

  /** Trains the scratch recipe's model into a folder. */
  @FunctionalInterface
  public interface Trainer {
    /** Writes {@code model.onnx} (and its card) into {@code outDir}. */
    void train(Path dataset, long seed, Path outDir) throws IOException;
  }

  /** Imports the pretrained recipe's model into a folder. */
  @FunctionalInterface
  public interface Importer {
    /**
     * Writes {@code model.onnx} into {@code outDir}.
     *
     * @throws PretrainedFetchException when the weights cannot be had (no npm and no cache, a
     *     failed download)
     */
    void importModel(String network, ThresholdSource threshold, Path outDir) throws IOException;
  }

  private final Path modelsRoot;
  private final Path calibrationData;
  private final Importer pretrained;
  private final Trainer scratch;

  /**
   * @param modelsRoot where cached demo models live ({@code .facegate/models})
   * @param calibrationData folder-per-person data to calibrate the imported model's threshold on
   * @param pretrained imports the pretrained recipe
   * @param scratch trains the scratch recipe
   */
  public DemoModels(Path modelsRoot, Path calibrationData, Importer pretrained, Trainer scratch) {
    this.modelsRoot = modelsRoot;
    this.calibrationData = calibrationData;
    this.pretrained = pretrained;
    this.scratch = scratch;
  }

  /**
   * {@link EmbeddingImport}, as {@code facegate pretrained import} runs it.
   *
   * @param weights the fetch step (the verified cache, else npm)
   * @param producerVersion the code version written into the model
   */
  public static Importer defaultImporter(EmbeddingImport.Source weights, String producerVersion) {
    return (network, threshold, outDir) -> {
      try {
        // calibration progress goes to the console, as the trainer's does
        EmbeddingImport.run(
            network,
            weights,
            threshold,
            EmbeddingImport.shippedRecipe(network),
            producerVersion,
            outDir,
            System.out);
      } catch (TfjsFormatException | DatasetException e) {
        throw new CommandFailedException("import of " + network + " failed: " + e.getMessage(), e);
      }
    };
  }

  /**
   * {@link TrainPipeline} with the default recipe, one PyTorch thread, threshold at {@link
   * #SCRATCH_TARGET_FAR}.
   */
  public static Trainer defaultTrainer() {
    return (dataset, seed, outDir) -> {
      TrainingDefaults.configureEngine(Integer.parseInt(TrainingDefaults.THREADS));
      try {
        new TrainPipeline(TrainingDefaults.scratch(seed, SCRATCH_TARGET_FAR), System.out)
            .run(List.of(dataset), outDir);
      } catch (OrtException e) {
        throw new CommandFailedException(
            "training failed: ONNX Runtime cannot run the exported model: " + e.getMessage(), e);
      } catch (DatasetException | IllegalStateException e) {
        throw new CommandFailedException("training failed: " + e.getMessage(), e);
      }
    };
  }

  /**
   * The model folder for the demo: the cached one when it was made the same way, else a new one.
   *
   * @param requested the recipe asked for, or empty for the default (pretrained, scratch when its
   *     weights cannot be had)
   * @param dataset the dataset the demo replays
   * @param seed the scratch recipe's seed
   * @param rebuild make a new model even when a cached one fits
   * @param out progress lines
   * @throws CommandFailedException when the asked-for recipe cannot be made
   */
  public Path obtain(
      Optional<Recipe> requested, Path dataset, long seed, boolean rebuild, PrintWriter out)
      throws IOException {
    if (requested.orElse(Recipe.PRETRAINED) == Recipe.SCRATCH) {
      return scratchModel(dataset, seed, rebuild, out);
    }
    try {
      return pretrainedModel(dataset, rebuild, out);
    } catch (PretrainedFetchException e) {
      if (requested.isPresent()) {
        throw new CommandFailedException(
            "the pretrained recipe needs its weights: " + e.getMessage(), e);
      }
      out.println(
          "==> no pretrained weights, falling back to the scratch recipe (--recipe scratch skips this): "
              + e.getMessage());
      out.flush();
      return scratchModel(dataset, seed, rebuild, out);
    }
  }

  private Path pretrainedModel(Path dataset, boolean rebuild, PrintWriter out) throws IOException {
    String network = Backbone.RECOMMENDED;
    if (!Files.isDirectory(calibrationData)) {
      throw new CommandFailedException(
          "calibration data not found: "
              + calibrationData
              + " (put the shared datasets beside the clone as ../shared, pass --calibrate-on DIR, or --recipe scratch)");
    }
    Path calibration = calibrationData.toRealPath();
    Path replayed = dataset.toRealPath();
    if (calibration.startsWith(replayed) || replayed.startsWith(calibration)) {
      throw new CommandFailedException(
          "the threshold must be calibrated on people the demo does not replay: "
              + calibrationData
              + " overlaps "
              + dataset
              + " (pass another --calibrate-on DIR)");
    }
    Path dir = modelsRoot.resolve("demo-pretrained-" + network + "-" + calibration.getFileName());
    String key =
        "recipe=pretrained network="
            + network
            + " package="
            + PretrainedCatalogue.HUMAN_MODELS.spec()
            + " integrity="
            + PretrainedCatalogue.HUMAN_MODELS.integrity()
            // how the network is imported: a model cached before the recipe changed is rebuilt
            + " import="
            + EmbeddingImport.shippedRecipe(network)
            + " calibrate-on="
            + calibration
            + " target-far="
            + PRETRAINED_TARGET_FAR;
    if (!rebuild && cached(dir, key)) {
      step(
          out,
          "reusing the cached model in " + dir.toAbsolutePath() + " (--retrain to make a new one)");
      return dir;
    }
    step(
        out,
        "importing the pretrained "
            + network
            + " backbone, threshold at "
            + BigDecimal.valueOf(PRETRAINED_TARGET_FAR).toPlainString()
            + " FAR per pair of the people in "
            + calibrationData
            + " (not replayed); cached in "
            + dir);
    deleteTree(dir);
    pretrained.importModel(
        network,
        new ThresholdSource.CalibratedOn(List.of(calibration), PRETRAINED_TARGET_FAR),
        dir);
    Files.writeString(dir.resolve(KEY_FILE), key, StandardCharsets.UTF_8);
    return dir;
  }

  private Path scratchModel(Path dataset, long seed, boolean rebuild, PrintWriter out)
      throws IOException {
    Path dir = scratchDir(modelsRoot, dataset.getFileName().toString(), seed);
    String key =
        "recipe=scratch data="
            + dataset.toAbsolutePath().normalize()
            + " seed="
            + seed
            + " target-far="
            + SCRATCH_TARGET_FAR;
    if (!rebuild && cached(dir, key)) {
      step(
          out,
          "reusing the cached model in "
              + dir.toAbsolutePath()
              + " (--retrain to train a new one)");
      return dir;
    }
    step(
        out,
        "training a model from scratch on "
            + dataset
            + " (seed "
            + seed
            + ", the trainer's default recipe, "
            + "threshold at "
            + SCRATCH_TARGET_FAR
            + " FAR on its validation people; cached in "
            + dir
            + ")");
    deleteTree(dir);
    scratch.train(dataset, seed, dir);
    Files.writeString(dir.resolve(KEY_FILE), key, StandardCharsets.UTF_8);
    return dir;
  }

  /** Where the scratch recipe's model for a dataset (by folder name) and seed is cached. */
  public static Path scratchDir(Path modelsRoot, String datasetName, long seed) {
    return modelsRoot.resolve("demo-" + datasetName + "-seed" + seed);
  }

  private static boolean cached(Path dir, String key) throws IOException {
    Path keyFile = dir.resolve(KEY_FILE);
    return Files.isRegularFile(dir.resolve("model.onnx"))
        && Files.isRegularFile(keyFile)
        && Files.readString(keyFile, StandardCharsets.UTF_8).equals(key);
  }

  private static void step(PrintWriter out, String what) {
    out.println("==> " + what);
    out.flush();
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
