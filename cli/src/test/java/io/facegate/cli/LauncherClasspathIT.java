package io.facegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the CLI the way {@code ./facegate} does — a separate JVM on {@code cli/target/classes} plus
 * {@code cli/target/classpath.txt} — so that a dependency only the test class path has (a
 * test-scoped override, say) fails here and not in a user's terminal. Training is the command with
 * the most run-time dependencies (DJL natives, the ONNX protobufs, the plots).
 */
class LauncherClasspathIT {

  @TempDir Path tmp;

  @Test
  void trainRunsOnTheLauncherClassPathAndWritesAModel() throws Exception {
    Path orl = Path.of(System.getProperty("facegate.datasets", "../shared/datasets"), "orl-faces");
    assumeTrue(Files.isDirectory(orl), "ORL faces not found at " + orl);
    Path classpathFile = Path.of("target", "classpath.txt");
    assertTrue(
        Files.isRegularFile(classpathFile),
        "the package phase writes " + classpathFile.toAbsolutePath());
    String classpath =
        Path.of("target", "classes").toAbsolutePath()
            + File.pathSeparator
            + Files.readString(classpathFile, StandardCharsets.UTF_8).trim();
    Path out = tmp.resolve("model");
    Path log = tmp.resolve("train.log");
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    classpath,
                    "io.facegate.cli.FacegateCommand",
                    "train",
                    "--data",
                    orl.toString(),
                    "--out",
                    out.toString(),
                    "--seed",
                    "3",
                    "--epochs",
                    "1",
                    "--steps-per-epoch",
                    "1",
                    "--pairs-per-step",
                    "8",
                    "--channels",
                    "4,8",
                    "--embedding-dim",
                    "16",
                    "--input-size",
                    "32"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean finished = p.waitFor(5, TimeUnit.MINUTES);
    if (!finished) {
      p.destroyForcibly();
    }
    String output = Files.readString(log);
    assertTrue(finished, "train did not finish in 5 minutes: " + output);
    assertEquals(0, p.exitValue(), output);
    assertTrue(Files.size(out.resolve("model.onnx")) > 0, output);
    assertTrue(Files.isRegularFile(out.resolve("model-card.json")), output);
  }

  /**
   * Static check over every class of facegate's own modules, not only those {@code train} loads:
   * whatever they refer to must be on the launcher's class path.
   */
  @Test
  void everyClassFacegateCodeReferencesIsOnTheLauncherClassPath() throws Exception {
    String classpath =
        Files.readString(Path.of("target", "classpath.txt"), StandardCharsets.UTF_8).strip();
    List<String> facegateJars =
        Arrays.stream(classpath.split(File.pathSeparator))
            .filter(entry -> Path.of(entry).getFileName().toString().startsWith("facegate-"))
            .toList();
    assertFalse(facegateJars.isEmpty(), "no facegate module jars on " + classpath);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--multi-release",
                "17",
                "--missing-deps",
                "-cp",
                classpath,
                Path.of("target", "classes").toString()));
    args.addAll(facegateJars);
    StringWriter out = new StringWriter();

    int code =
        ToolProvider.findFirst("jdeps")
            .orElseThrow()
            .run(
                new PrintWriter(out, true),
                new PrintWriter(out, true),
                args.toArray(String[]::new));

    assertEquals(0, code, out.toString());
    assertEquals(
        "", out.toString().strip(), "classes referenced but missing from target/classpath.txt");
  }
}
