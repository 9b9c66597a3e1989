package io.facegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Start-up failures of {@code facegate processor} are one line and exit code 1. */
class ProcessorCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path dir;

  @Test
  void missingModelDirectoryNamesTheKey() {
    int code = run("processor", "--bootstrap", "127.0.0.1:1", "--registry", "mock://cli-test");

    assertEquals(1, code);
    assertTrue(err.toString().contains("processor.model-dir"), err.toString());
  }

  @Test
  void unknownDeviceNamesTheAcceptedForms() {
    int code =
        run(
            "processor",
            "--bootstrap",
            "127.0.0.1:1",
            "--registry",
            "mock://cli-test",
            "--model",
            dir.toString(),
            "--device",
            "tpu");

    assertEquals(1, code);
    assertTrue(err.toString().contains("expected cpu, cuda, cuda:N or auto"), err.toString());
  }

  @Test
  void modelDirectoryWithoutModelFailsAtStartWithOneLine() {
    int code =
        run(
            "processor",
            "--bootstrap",
            "127.0.0.1:1",
            "--registry",
            "mock://cli-test",
            "--model",
            dir.toString(),
            "--device",
            "cpu",
            "--http-port",
            "0");

    assertEquals(1, code);
    String message = err.toString().strip();
    assertTrue(message.startsWith("facegate processor: model file not found"), message);
    assertFalse(message.contains("\n"), message);
  }

  private int run(String... args) {
    CommandLine commandLine = FacegateCommand.newCommandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }
}
