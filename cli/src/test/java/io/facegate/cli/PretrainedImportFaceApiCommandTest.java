package io.facegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.facegate.trainer.pretrained.PretrainedCatalogue;
import io.facegate.trainer.pretrained.PretrainedFetch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code facegate pretrained import} for face-api's networks: the embedding network is refused
 * without a calibrated threshold, the landmark networks take none.
 */
class PretrainedImportFaceApiCommandTest {

  @TempDir Path dir;

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return new CommandLine(new PretrainedImportCommand(dir.resolve("no-npm").toString()))
        .setExecutionExceptionHandler(new OneLineErrors())
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void dlibResnetIsNotImportedWithoutAThreshold() {
    int code = run("dlib-resnet", "--out", dir.resolve("out").toString());
    assertEquals(1, code);
    assertTrue(err.toString().contains("no default threshold"), err.toString());
    assertFalse(Files.exists(dir.resolve("out")));
  }

  @Test
  void landmarkNetworksRefuseThresholdOptions() {
    int code =
        run(
            "landmarks68",
            "--out",
            dir.resolve("out").toString(),
            "--threshold",
            "0.5",
            "--operating-point",
            "x");
    assertEquals(1, code);
    assertTrue(err.toString().contains("takes no threshold options"), err.toString());
    assertFalse(Files.exists(dir.resolve("out")));
  }

  @Test
  void unknownNetworksAreNamedWithTheSupportedOnes() {
    int code = run("arcface", "--out", dir.resolve("out").toString());
    assertEquals(1, code);
    assertTrue(
        err.toString().contains("faceres, dlib-resnet, landmarks68, landmarks68-tiny"),
        err.toString());
  }

  @Test
  void landmarkNetworkIsImportedWithoutAThresholdFromTheCache() throws Exception {
    Path cache =
        Path.of(System.getProperty("facegate.root", "..")).resolve(PretrainedFetch.DEFAULT_CACHE);
    assumeTrue(
        PretrainedFetch.withNpm(cache).cached(PretrainedCatalogue.FACE_API).isPresent(),
        "face-api is not in "
            + cache.toAbsolutePath().normalize()
            + "; run ./facegate pretrained fetch face-api");
    int code =
        run(
            "landmarks68-tiny",
            "--out",
            dir.resolve("out").toString(),
            "--cache",
            cache.toString());
    assertEquals(0, code, err.toString());
    assertTrue(Files.size(dir.resolve("out/landmarks68-tiny.onnx")) > 100_000);
  }
}
