package io.facegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Expected failures give one line on stderr, a non-zero exit and no stack trace. */
class TrainCommandTest {

  @TempDir
  Path tmp;

  private record Outcome(int code, String err) {}

  private static Outcome run(Object command, String... args) {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(command).execute(args);
      return new Outcome(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(old);
    }
  }

  private static void assertOneLineError(Outcome o, String mustContain) {
    assertTrue(o.code() != 0, "non-zero exit");
    assertEquals(1, o.err().strip().lines().count(), "one line: " + o.err());
    assertTrue(o.err().contains(mustContain), o.err());
    assertFalse(o.err().contains("\tat "), "no stack trace");
  }

  @Test
  void refusesToTrainWithoutASeed() {
    assertOneLineError(run(new TrainCommand(), "--data", tmp.toString(), "--out", tmp.resolve("o").toString()),
        "--seed is mandatory");
  }

  @Test
  void reportsAMissingDataFolder() {
    assertOneLineError(run(new TrainCommand(), "--data", tmp.resolve("missing").toString(), "--out",
        tmp.resolve("o").toString(), "--seed", "1"), "does not exist");
  }

  @Test
  void reportsAnEmptyDataFolder() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertOneLineError(run(new TrainCommand(), "--data", empty.toString(), "--out", tmp.resolve("o").toString(),
        "--seed", "1"), "no identity");
  }

  @Test
  void evaluateReportsAMissingModel() throws Exception {
    assertOneLineError(run(new EvaluateCommand(), "--model", tmp.resolve("nomodel").toString(), "--data",
        tmp.toString(), "--out", tmp.resolve("o").toString()), "no model file");
  }

  @Test
  void strictImagesStopsAtATooSmallFaceBeforeTraining() throws Exception {
    Path data = tmp.resolve("faces");
    for (String person : new String[] {"a", "b"}) {
      Files.write(Files.createDirectories(data.resolve(person)).resolve("1.pgm"), pgm(40, 40));
    }
    Files.write(data.resolve("b").resolve("tiny.pgm"), pgm(30, 40));
    assertOneLineError(run(new TrainCommand(), "--data", data.toString(), "--out", tmp.resolve("o").toString(),
        "--seed", "1", "--strict-images"), "tiny.pgm");
    assertOneLineError(run(new EvaluateCommand(), "--model", tmp.resolve("nomodel").toString(), "--data",
        data.toString(), "--out", tmp.resolve("o").toString(), "--strict-images"), "no model file");
  }

  private static byte[] pgm(int w, int h) {
    byte[] header = ("P5\n" + w + " " + h + "\n255\n").getBytes(StandardCharsets.US_ASCII);
    return java.util.Arrays.copyOf(header, header.length + w * h);
  }
}
