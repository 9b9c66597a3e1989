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

/** detect-stats without weights says in one line how to fetch them. */
class PretrainedDetectStatsCommandTest {

  @TempDir Path dir;

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return new CommandLine(new PretrainedDetectStatsCommand())
        .setExecutionExceptionHandler(new OneLineErrors())
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void withoutCachedWeightsItSaysHowToFetchThem() {
    int code =
        run(
            "--cache",
            dir.resolve("empty").toString(),
            "--model",
            dir.resolve("none.onnx").toString());
    assertEquals(1, code);
    String message = err.toString();
    assertEquals(1, message.strip().lines().count(), message);
    assertTrue(message.contains("./facegate pretrained fetch face-api"), message);
    assertFalse(Files.exists(dir.resolve("none.onnx")), "no model written");
  }
}
