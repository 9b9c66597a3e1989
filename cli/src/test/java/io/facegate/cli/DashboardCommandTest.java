package io.facegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.cli.dashboard.Dashboard;
import io.facegate.processor.app.ProcessorConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What {@code facegate dashboard}'s options ask for, and how it fails before serving anything. */
class DashboardCommandTest {

  @TempDir Path dir;

  private static Dashboard.Options parse(String... args) {
    DashboardCommand command = new DashboardCommand();
    new CommandLine(command).parseArgs(args);
    return command.options(Map.of(), null);
  }

  @Test
  void probeThumbnailsAreOffUnlessAskedFor() {
    assertFalse(parse().showProbes());
    assertTrue(parse("--show-probes").showProbes());
  }

  @Test
  void servesLocalhostOnTheDefaultPortAndProbesTheLocalProcessor() {
    Dashboard.Options o = parse();

    assertEquals("127.0.0.1", o.host());
    assertEquals(DashboardCommand.DEFAULT_PORT, o.port());
    assertEquals(List.of(URI.create("http://127.0.0.1:9464")), o.processors());
    assertEquals("facegate-processor", o.applicationId());
  }

  @Test
  void theConsumerGroupIsTheProcessorsApplicationId() {
    DashboardCommand command = new DashboardCommand();
    new CommandLine(command)
        .parseArgs("--processor", "http://10.0.0.5:9464", "--processor", "http://10.0.0.6:9464");

    Dashboard.Options o = command.options(Map.of(ProcessorConfig.APPLICATION_ID, "doors-eu"), null);

    assertEquals("doors-eu", o.applicationId());
    assertEquals(2, o.processors().size());
  }

  @Test
  void aKeyDirectoryWithoutPublicKeysFailsBeforeConnecting() {
    StringWriter err = new StringWriter();
    CommandLine cli = FacegateCommand.newCommandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));

    int code =
        cli.execute(
            "dashboard",
            "--port",
            "0",
            "--bootstrap",
            "127.0.0.1:1",
            "--registry",
            "mock://cli-test",
            "--verify-keys",
            dir.toString());

    assertEquals(1, code);
    assertTrue(err.toString().contains("no *.pub.pem public keys found"), err.toString());
  }
}
