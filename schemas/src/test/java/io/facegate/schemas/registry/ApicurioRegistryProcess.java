package io.facegate.schemas.registry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Apicurio Registry (in-memory storage) as a child process on 127.0.0.1 and a free port.
 * Started from the runner jar Maven unpacked (system property {@code apicurio.runner.jar}); stopped
 * by {@link #close()} and, should the test JVM die first, by a shutdown hook.
 */
final class ApicurioRegistryProcess implements AutoCloseable {
  static final String CCOMPAT_PATH = "/apis/ccompat/v7";
  private static final Duration READY_WITHIN = Duration.ofSeconds(90);

  private final Process process;
  private final Path log;
  private final URI base;
  private final Thread killer;

  private ApicurioRegistryProcess(Process process, Path log, URI base) {
    this.process = process;
    this.log = log;
    this.base = base;
    this.killer = new Thread(process::destroyForcibly, "apicurio-killer");
    Runtime.getRuntime().addShutdownHook(killer);
  }

  static ApicurioRegistryProcess start() throws IOException, InterruptedException {
    String jarProperty = System.getProperty("apicurio.runner.jar");
    if (jarProperty == null) {
      throw new IllegalStateException(
          "system property apicurio.runner.jar is not set; run through Maven "
              + "(mvn -pl schemas verify), which unpacks Apicurio Registry into target/apicurio");
    }
    Path jar = Path.of(jarProperty);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no Apicurio runner jar at "
              + jar
              + " (Maven's pre-integration-test phase "
              + "unpacks it from io.apicurio:apicurio-registry-app:tar.gz:all)");
    }
    Path log = Path.of(System.getProperty("apicurio.log", "target/apicurio-it.log"));
    Files.createDirectories(log.toAbsolutePath().getParent());
    int port = freePort();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-Xmx512m",
                    "-XX:TieredStopAtLevel=1",
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + port,
                    "-jar",
                    jar.toString()))
            .directory(jar.getParent().toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    ApicurioRegistryProcess registry =
        new ApicurioRegistryProcess(pb.start(), log, URI.create("http://127.0.0.1:" + port));
    try {
      registry.awaitReady();
    } catch (IOException | InterruptedException | RuntimeException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void awaitReady() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects"))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Apicurio Registry exited with "
                + process.exitValue()
                + " while starting; "
                + "log: "
                + log.toAbsolutePath()
                + "\n"
                + tail());
      }
      try {
        if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        "Apicurio Registry not ready within "
            + READY_WITHIN.toSeconds()
            + " s; log: "
            + log.toAbsolutePath()
            + "\n"
            + tail());
  }

  /** The Confluent-compatible API base URL, as a client's {@code schema.registry.url}. */
  URI ccompatUrl() {
    return URI.create(base + CCOMPAT_PATH);
  }

  private String tail() throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }
}
