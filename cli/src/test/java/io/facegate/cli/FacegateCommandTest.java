package io.facegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class FacegateCommandTest {

  private static final List<String> SUBCOMMANDS =
      List.of(
          "train",
          "evaluate",
          "demo",
          "processor",
          "enroll",
          "publish",
          "tail",
          "replay",
          "dashboard",
          "bench",
          "broker",
          "pretrained");

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path dir;

  @Test
  void helpListsAllElevenSubcommands() {
    int code = run("--help");

    assertEquals(0, code);
    for (String name : SUBCOMMANDS) {
      assertTrue(
          out.toString().matches("(?s).*\\n\\s+" + name + "\\s.*"),
          name + " missing from:\n" + out);
    }
    assertEquals(SUBCOMMANDS.size(), FacegateCommand.newCommandLine().getSubcommands().size());
  }

  @Test
  void versionComesFromTheBuild() {
    assertEquals(0, run("--version"));
    assertTrue(out.toString().startsWith("facegate "), out.toString());
  }

  @Test
  void noSubcommandIsAUsageError() {
    assertEquals(2, run());
    assertTrue(err.toString().contains("Usage: facegate"), err.toString());
  }

  @Test
  void benchWithoutAModelSaysWhatToDo() {
    int code =
        run(
            "bench",
            "--out",
            dir.resolve("bench").toString(),
            "--model",
            dir.resolve("nowhere").toString());

    assertEquals(1, code);
    assertTrue(err.toString().contains("no model at "), err.toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "train",
        "evaluate",
        "demo",
        "processor",
        "enroll",
        "publish",
        "tail",
        "replay",
        "dashboard",
        "bench",
        "broker"
      })
  void everySubcommandHasHelp(String name) {
    assertEquals(0, run(name, "--help"));
    assertTrue(out.toString().startsWith("Usage: facegate " + name), out.toString());
  }

  @Test
  void brokerWithZeroPartitionsIsAUsageError() {
    assertEquals(2, run("broker", "--partitions", "0"));
    assertTrue(err.toString().contains("--partitions must be at least 1"), err.toString());
  }

  @Test
  void brokerOnAPortInUseFailsWithOneLineAndNoStackTrace() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));

      int code =
          run("broker", "--registry-port", "-1", "--port", Integer.toString(taken.getLocalPort()));

      assertEquals(1, code);
      assertEquals(
          "facegate broker: port " + taken.getLocalPort() + " on 127.0.0.1 is already in use",
          err.toString().strip());
    }
  }

  @Test
  void brokerWithUnusableLogDirFailsWithOneLine() throws IOException {
    Path file = Files.createFile(dir.resolve("file"));

    int code =
        run(
            "broker",
            "--registry-port",
            "-1",
            "--port",
            "0",
            "--log-dir",
            file.resolve("kafka").toString());

    assertEquals(1, code);
    String message = err.toString().strip();
    assertTrue(message.startsWith("facegate broker: log dir "), message);
    assertFalse(message.contains("\n"), message);
  }

  @Test
  void brokerWithMissingConfigFileFailsWithOneLine() {
    int code =
        run(
            "broker",
            "--registry-port",
            "-1",
            "--config",
            dir.resolve("missing.properties").toString());

    assertEquals(1, code);
    assertTrue(
        err.toString().strip().startsWith("facegate broker: config file: no such file"),
        err.toString());
  }

  private int run(String... args) {
    CommandLine commandLine = FacegateCommand.newCommandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }
}
