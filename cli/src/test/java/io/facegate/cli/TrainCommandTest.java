package io.facegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facegate.model.onnx.TinyOnnxModel;
import io.facegate.trainer.finetune.FinetuneOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
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
  void anUnknownBackboneNamesTheRegistryAndTheKnownNames() {
    Outcome o = run(new TrainCommand(), "--data", tmp.toString(), "--out", tmp.resolve("o").toString(), "--seed", "1",
        "--backbone", "pretrained", "--backbone-registry", tmp.resolve("registry").toString());
    assertOneLineError(o, "known names: scratch, pretrained = faceres, faceres, dlib-resnet");
    assertTrue(o.err().contains(tmp.resolve("registry").resolve("faceres").toString()), o.err());
  }

  @Test
  void headOptionsAreCheckedAndNeedABackbone() throws Exception {
    Path registry = Files.createDirectories(tmp.resolve("registry/faceres"));
    Files.writeString(registry.resolve("model.onnx"), "x");
    assertOneLineError(run(new TrainCommand(), "--data", tmp.toString(), "--out", tmp.resolve("o").toString(),
        "--seed", "1", "--backbone", "faceres", "--backbone-registry", registry.getParent().toString(),
        "--head", "deep"), "--head must be linear or mlp");
    assertOneLineError(run(new TrainCommand(), "--data", tmp.toString(), "--out", tmp.resolve("o").toString(),
        "--seed", "1", "--head-dim", "64"), "--head-dim needs --backbone");
    assertOneLineError(run(new TrainCommand(), "--data", tmp.toString(), "--out", tmp.resolve("o").toString(),
        "--seed", "1", "--backbone", "faceres", "--backbone-registry", registry.getParent().toString(),
        "--device", "tpu"), "expected cpu, cuda, cuda:N or auto");
  }

  @Test
  void backboneOptionsParseIntoFinetuneOptions() throws Exception {
    Path registry = Files.createDirectories(tmp.resolve("registry/dlib-resnet"));
    Files.writeString(registry.resolve("model.onnx"), "x");
    TrainCommand scratch = new TrainCommand();
    new CommandLine(scratch).parseArgs("--data", "d", "--out", "o", "--seed", "1");
    assertEquals(null, scratch.finetuneOptions(true));

    TrainCommand cmd = new TrainCommand();
    new CommandLine(cmd).parseArgs("--data", "d", "--out", "o", "--seed", "1", "--backbone", "dlib-resnet",
        "--backbone-registry", registry.getParent().toString(), "--head", "MLP", "--head-dim", "32",
        "--device", "cuda:1", "--onnx-threads", "3");
    FinetuneOptions f = cmd.finetuneOptions(false);
    assertEquals("dlib-resnet", f.backbone().name());
    assertEquals(registry.resolve("model.onnx"), f.backbone().modelFile());
    assertEquals(FinetuneOptions.HeadKind.MLP, f.head());
    assertEquals(32, f.headDim());
    assertEquals("cuda:1", f.device().toString());
    assertEquals(3, f.threads());
    assertFalse(f.flip());
  }

  @Test
  void trainsAHeadOnABackboneFromTheRegistryAndExitsZero() throws Exception {
    Path registry = Files.createDirectories(tmp.resolve("registry/tiny"));
    TinyOnnxModel.pooling("tiny", 32, 32, 1, 4, 0.5f).centred().write(registry.resolve("model.onnx"));
    Path data = tmp.resolve("people");
    Random random = new Random(3);
    for (int p = 0; p < 8; p++) {
      byte[] face = new byte[40 * 40];
      random.nextBytes(face);
      Path dir = Files.createDirectories(data.resolve("p" + p));
      for (int i = 0; i < 4; i++) {
        byte[] header = "P5\n40 40\n255\n".getBytes(StandardCharsets.US_ASCII);
        byte[] file = new byte[header.length + face.length];
        System.arraycopy(header, 0, file, 0, header.length);
        for (int k = 0; k < face.length; k++) {
          file[header.length + k] = (byte) Math.max(0, Math.min(255, (face[k] & 0xFF) + random.nextInt(21) - 10));
        }
        Files.write(dir.resolve(i + ".pgm"), file);
      }
    }
    Path out = tmp.resolve("out");
    Outcome o = run(new TrainCommand(), "--data", data.toString(), "--out", out.toString(), "--seed", "2",
        "--backbone", "tiny", "--backbone-registry", registry.getParent().toString(), "--epochs", "2",
        "--steps-per-epoch", "2", "--identities-per-step", "4", "--images-per-identity", "2",
        "--validation-fraction", "0.25", "--test-fraction", "0.25");
    assertEquals(0, o.code(), o.err());
    JsonNode card = new ObjectMapper().readTree(out.resolve("model-card.json").toFile());
    assertEquals("tiny", card.path("backbone").path("name").asText());
    assertTrue(card.path("raw_backbone").path("metrics").path("test_by_dataset").has("people"));
    assertTrue(card.path("metrics").path("test_by_dataset").has("people"));
  }
}
