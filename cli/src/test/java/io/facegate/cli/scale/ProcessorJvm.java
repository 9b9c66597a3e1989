package io.facegate.cli.scale;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code facegate processor} in its own JVM, started with this test's class path, its output in
 * a log file. {@link #kill()} is {@code kill -9}: no shutdown hook, no clean leave of the group, an
 * open transaction left behind.
 */
final class ProcessorJvm implements AutoCloseable {

  private static final Pattern PORT = Pattern.compile("metrics on http://[^:]+:(\\d+)/metrics");
  private static final Pattern DECISIONS =
      Pattern.compile("(?m)^facegate_decisions_total\\{[^}]*} ([0-9.eE+]+)$");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Process process;
  private final Path log;
  private int httpPort = -1;

  private ProcessorJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** The class path of the running test JVM (Surefire/Failsafe name it in a system property). */
  static String testClassPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  /**
   * Starts {@code facegate processor ARGS} in a new JVM.
   *
   * @param dir where its log goes
   */
  static ProcessorJvm start(String name, Path dir, List<String> args) throws IOException {
    return start(name, dir, "384m", args);
  }

  /**
   * Starts {@code facegate processor ARGS} in a new JVM with at most {@code maxHeap} of heap, which
   * exits on the first {@code OutOfMemoryError}.
   */
  static ProcessorJvm start(String name, Path dir, String maxHeap, List<String> args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + maxHeap);
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(testClassPath());
    cmd.add("io.facegate.cli.FacegateCommand");
    cmd.add("processor");
    cmd.addAll(args);
    Path log = dir.resolve(name + ".log");
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .directory(new File("."))
            .start();
    return new ProcessorJvm(name, p, log);
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** Waits until {@code /ready} answers 200, or fails with the log. */
  void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + log());
      }
      if (port() > 0 && get("/ready").statusCode() == 200) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(name + " not ready after " + timeout + ":\n" + log());
  }

  /**
   * Decisions this JVM has made since it started (its {@code facegate_decisions_total}, all
   * outcomes).
   */
  long decisions() {
    String body = get("/metrics").body();
    Matcher m = DECISIONS.matcher(body);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return (long) sum;
  }

  /**
   * Waits until this JVM has decided at least {@code atLeast} events (the load may run ahead of a
   * processor still warming up on a busy machine).
   *
   * @return its decision count
   */
  long awaitDecisions(long atLeast, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long n = decisions();
    while (n < atLeast && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      n = decisions();
    }
    return n;
  }

  /** {@code kill -9}. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  private int port() {
    if (httpPort < 0) {
      Matcher m = PORT.matcher(log());
      if (m.find()) {
        httpPort = Integer.parseInt(m.group(1));
      }
    }
    return httpPort;
  }

  private HttpResponse<String> get(String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
              .timeout(Duration.ofSeconds(5))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(name + ": GET " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy(); // SIGTERM: the shutdown hook closes Streams cleanly
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
