package io.facegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The exit codes every subcommand promises: 2 for a usage error (with the complaint on stderr), 1
 * for a failure at run time (one line {@code facegate <name>: ...} on stderr, no stack trace).
 * Together with {@link FacegateCommandTest#everySubcommandHasHelp} (0 for {@code --help}) this
 * covers each subcommand.
 */
class SubcommandExitCodesTest {

  /** The bad registry URL the cluster clients must reject before any network call. */
  private static final String BAD_REGISTRY = "ftp://registry.invalid";

  private static final String BAD_REGISTRY_LINE =
      "schema.registry.url: expected mock://scope, http:// or https://, got " + BAD_REGISTRY;

  @TempDir static Path dir;

  private record Outcome(int code, String out, String err) {}

  /** name, what stderr must say, arguments after the name ({@code DIR} is a temporary folder). */
  static Stream<Arguments> usageErrors() {
    return Stream.of(
        Arguments.of("train", "Invalid value for option '--epochs'", List.of("--epochs", "many")),
        Arguments.of("train", "--seed is mandatory", List.of("--data", "DIR", "--out", "DIR/t")),
        Arguments.of(
            "train",
            "--epochs",
            List.of("--data", "DIR", "--out", "DIR/t", "--seed", "1", "--epochs", "0")),
        Arguments.of("evaluate", "Missing required options", List.of()),
        Arguments.of(
            "evaluate",
            "--split-seed and --calibration-fraction go together",
            List.of(
                "--model",
                "DIR",
                "--data",
                "DIR",
                "--out",
                "DIR/eval",
                "--frames",
                "--split-seed",
                "1")),
        Arguments.of(
            "evaluate",
            "--calibration-fraction must be in (0, 1)",
            List.of(
                "--model",
                "DIR/no-model",
                "--data",
                "DIR",
                "--out",
                "DIR/eval",
                "--split-seed",
                "1",
                "--calibration-fraction",
                "1.5")),
        Arguments.of("demo", "Invalid value for option '--seed'", List.of("--seed", "x")),
        Arguments.of(
            "demo",
            "--recipe must be scratch or pretrained, got faceres",
            List.of("--recipe", "faceres")),
        Arguments.of(
            "demo",
            "--model uses a given model: it takes no --recipe",
            List.of("--model", "DIR", "--recipe", "scratch")),
        Arguments.of(
            "processor", "Invalid value for option '--batch-size'", List.of("--batch-size", "x")),
        Arguments.of("enroll", "Missing required argument", List.of()),
        Arguments.of(
            "publish",
            "Missing required argument (specify one of these): (--data=DIR | --video=FILE)",
            List.of()),
        Arguments.of("tail", "Invalid value for option '--max'", List.of("--max", "x")),
        Arguments.of("replay", "Missing required options", List.of()),
        Arguments.of("dashboard", "Invalid value for option '--port'", List.of("--port", "x")),
        Arguments.of("bench", "--events must be at least 100", List.of("--events", "5")),
        Arguments.of("bench", "--frames takes WIDTHxHEIGHT sizes", List.of("--frames", "640by480")),
        Arguments.of("broker", "--partitions must be at least 1", List.of("--partitions", "0")),
        Arguments.of(
            "pretrained", "Missing required option: '--out=<out>'", List.of("import", "faceres")));
  }

  static Stream<Arguments> runtimeFailures() {
    return Stream.of(
        Arguments.of(
            "train",
            "does not exist",
            List.of("--data", "DIR/missing", "--out", "DIR/train-out", "--seed", "1")),
        Arguments.of(
            "evaluate",
            "no model file",
            List.of("--model", "DIR/no-model", "--data", "DIR", "--out", "DIR/eval-out")),
        Arguments.of(
            "demo",
            "dataset folder not found",
            List.of("--data", "DIR/missing", "--out", "DIR/demo-out")),
        Arguments.of(
            "processor",
            BAD_REGISTRY_LINE,
            List.of("--bootstrap", "127.0.0.1:1", "--registry", BAD_REGISTRY, "--model", "DIR")),
        Arguments.of(
            "enroll",
            BAD_REGISTRY_LINE,
            List.of("--bootstrap", "127.0.0.1:1", "--registry", BAD_REGISTRY, "--forget", "alice")),
        Arguments.of(
            "publish",
            "DIR/missing",
            List.of("--bootstrap", "127.0.0.1:1", "--data", "DIR/missing")),
        Arguments.of(
            "tail",
            BAD_REGISTRY_LINE,
            List.of("--bootstrap", "127.0.0.1:1", "--registry", BAD_REGISTRY)),
        Arguments.of(
            "replay",
            BAD_REGISTRY_LINE,
            List.of(
                "--bootstrap",
                "127.0.0.1:1",
                "--registry",
                BAD_REGISTRY,
                "--data",
                "DIR",
                "--report",
                "DIR/report")),
        Arguments.of(
            "dashboard",
            BAD_REGISTRY_LINE,
            List.of("--bootstrap", "127.0.0.1:1", "--registry", BAD_REGISTRY, "--port", "0")),
        Arguments.of(
            "bench", "no model at ", List.of("--out", "DIR/bench", "--model", "DIR/nowhere")),
        Arguments.of(
            "broker",
            "config file: no such file",
            List.of("--registry-port", "-1", "--config", "DIR/missing.properties")),
        Arguments.of(
            "pretrained",
            "DIR/missing.tgz does not exist",
            List.of("fetch", "face-api", "--tarball", "DIR/missing.tgz", "--cache", "DIR/cache")));
  }

  @Test
  void bothTablesCoverEverySubcommand() {
    Set<String> all = FacegateCommand.newCommandLine().getSubcommands().keySet();
    Function<Stream<Arguments>, Set<String>> names =
        s -> s.map(a -> (String) a.get()[0]).collect(Collectors.toSet());
    assertEquals(all, names.apply(usageErrors()));
    assertEquals(all, names.apply(runtimeFailures()));
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("usageErrors")
  void usageErrorExitsTwoAndSaysWhy(String name, String complaint, List<String> args) {
    Outcome o = run(name, args);

    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains(complaint), o.err());
    assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("usageErrors")
  void unknownOptionExitsTwo(String name) {
    Outcome o = run(name, List.of("--no-such-option"));

    // picocli names the first problem: the unknown option, or a required option still missing
    assertEquals(2, o.code(), o.err());
    assertTrue(
        o.err().contains("Unknown option: '--no-such-option'")
            || o.err().contains("Missing required"),
        o.err());
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("runtimeFailures")
  void runtimeFailureExitsOneWithOneLine(String name, String message, List<String> args) {
    Outcome o = run(name, args);

    assertEquals(1, o.code(), o.err());
    String line = o.err().strip();
    assertEquals(1, line.lines().count(), "one line: " + o.err());
    // a nested command names its whole path: "facegate pretrained fetch: ..."
    assertTrue(
        line.startsWith("facegate " + name + ": ") || line.startsWith("facegate " + name + " "),
        line);
    assertTrue(line.contains(message.replace("DIR", dir.toString())), line);
  }

  @Test
  void corruptVideoExitsOneWithOneLineNamingTheFile() throws IOException {
    Path video =
        Files.write(
            dir.resolve("corrupt.mp4"),
            "not a video ".repeat(100).getBytes(StandardCharsets.UTF_8));

    // the file is checked before any connection: the unreachable broker is never tried
    Outcome o = run("publish", List.of("--bootstrap", "127.0.0.1:1", "--video", video.toString()));

    assertEquals(1, o.code(), o.err());
    String line = o.err().strip();
    assertEquals(1, line.lines().count(), "one line: " + o.err());
    assertTrue(
        line.startsWith("facegate publish: " + video + ": not a video JCodec can decode"), line);
  }

  @Test
  void badRegistryUrlInTheSettingsFileIsOneLineNamingTheKey() throws IOException {
    Path settings =
        Files.writeString(
            dir.resolve("bad-registry.properties"),
            "kafka.bootstrap.servers=127.0.0.1:1\nschema.registry.url=registry.example:8081\n");

    Outcome o = run("tail", List.of("--config", settings.toString()));

    assertEquals(1, o.code(), o.err());
    assertEquals(
        "facegate tail: schema.registry.url: expected mock://scope, http:// or https://, got registry.example:8081",
        o.err().strip());
  }

  /** Runs in-process; stderr is the command line's and System.err together. */
  private static Outcome run(String name, List<String> args) {
    List<String> argv = new ArrayList<>();
    argv.add(name);
    args.forEach(a -> argv.add(a.replace("DIR", dir.toString())));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    ByteArrayOutputStream systemErr = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(systemErr, true, StandardCharsets.UTF_8));
    try {
      CommandLine commandLine = FacegateCommand.newCommandLine();
      commandLine.setOut(new PrintWriter(out, true));
      commandLine.setErr(new PrintWriter(err, true));
      int code = commandLine.execute(argv.toArray(String[]::new));
      return new Outcome(code, out.toString(), err + systemErr.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(old);
    }
  }
}
