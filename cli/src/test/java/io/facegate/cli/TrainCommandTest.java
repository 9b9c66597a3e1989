package io.facegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facegate.model.onnx.TinyOnnxModel;
import io.facegate.trainer.finetune.FinetuneOptions;
import io.facegate.trainer.training.TrainingDefaults;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code facegate train}: each bad option is refused with its own one-line message and exit code (2
 * for a bad option, 1 for unusable data), and a tiny generated dataset trains end to end.
 */
class TrainCommandTest {

  @TempDir Path tmp;

  private record Outcome(int code, String out, String err) {}

  /** Runs through the real command line; train prints on System.err, picocli on its own writer. */
  private static Outcome run(List<String> args) {
    PrintStream oldErr = System.err;
    PrintStream oldOut = System.out;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter cliErr = new StringWriter();
    StringWriter cliOut = new StringWriter();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      CommandLine cl = FacegateCommand.newCommandLine();
      cl.setErr(new PrintWriter(cliErr, true));
      cl.setOut(new PrintWriter(cliOut, true));
      List<String> argv = new ArrayList<>(List.of("train"));
      argv.addAll(args);
      int code = cl.execute(argv.toArray(String[]::new));
      return new Outcome(
          code,
          cliOut + out.toString(StandardCharsets.UTF_8),
          cliErr + err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(oldErr);
      System.setOut(oldOut);
    }
  }

  /**
   * The demo builds its scratch options with TrainingDefaults; they must be what {@code train} runs
   * by default.
   */
  @Test
  void theCommandsDefaultsAreTheDefaultRecipe() {
    TrainCommand command = new TrainCommand();
    new CommandLine(command)
        .parseArgs(
            "--data",
            tmp.toString(),
            "--out",
            tmp.resolve("o").toString(),
            "--seed",
            "7",
            "--target-far",
            "0.001");
    assertEquals(TrainingDefaults.scratch(7, 0.001), command.trainingOptions());

    TrainCommand changed = new TrainCommand();
    new CommandLine(changed)
        .parseArgs(
            "--data",
            tmp.toString(),
            "--out",
            tmp.resolve("o").toString(),
            "--seed",
            "7",
            "--target-far",
            "0.001",
            "--epochs",
            "3");
    assertFalse(TrainingDefaults.scratch(7, 0.001).equals(changed.trainingOptions()));
  }

  @Test
  void aHeadOnABackboneDefaultsToItsOwnLearningRateAndAGivenOneWins() {
    List<String> base =
        List.of("--data", tmp.toString(), "--out", tmp.resolve("o").toString(), "--seed", "7");
    TrainCommand head = new TrainCommand();
    List<String> withBackbone = new java.util.ArrayList<>(base);
    withBackbone.addAll(List.of("--backbone", "pretrained"));
    new CommandLine(head).parseArgs(withBackbone.toArray(String[]::new));
    assertEquals(
        Float.parseFloat(TrainingDefaults.HEAD_LEARNING_RATE),
        head.trainingOptions().learningRate());

    TrainCommand given = new TrainCommand();
    withBackbone.addAll(List.of("--learning-rate", "0.01"));
    new CommandLine(given).parseArgs(withBackbone.toArray(String[]::new));
    assertEquals(0.01f, given.trainingOptions().learningRate());

    TrainCommand scratch = new TrainCommand();
    new CommandLine(scratch).parseArgs(base.toArray(String[]::new));
    assertEquals(
        Float.parseFloat(TrainingDefaults.LEARNING_RATE), scratch.trainingOptions().learningRate());
  }

  static Stream<Arguments> badOptions() {
    return Stream.of(
        Arguments.of(List.of(), "--seed is mandatory (runs must be reproducible)"),
        Arguments.of(
            List.of("--seed", "1", "--loss", "arcface"),
            "--loss must be contrastive or triplet, got arcface"),
        Arguments.of(
            List.of("--seed", "1", "--mining", "easy"),
            "--mining must be semi-hard or hard, got easy"),
        Arguments.of(
            List.of("--seed", "1", "--channels", "8,x"),
            "--channels must be comma-separated integers, got 8,x"),
        Arguments.of(
            List.of("--seed", "1", "--pooling", "max"),
            "--pooling must be average or flatten, got max"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badOptions")
  void badOptionIsAUsageErrorWithItsOwnLine(List<String> options, String message) {
    List<String> args =
        new ArrayList<>(List.of("--data", tmp.toString(), "--out", tmp.resolve("o").toString()));
    args.addAll(options);

    Outcome o = run(args);

    assertEquals(2, o.code(), o.err());
    assertEquals("facegate train: " + message, o.err().strip());
  }

  @Test
  void missingDataFolderIsAFailure() {
    Path missing = tmp.resolve("missing");

    Outcome o =
        run(
            List.of(
                "--data", missing.toString(), "--out", tmp.resolve("o").toString(), "--seed", "1"));

    assertEquals(1, o.code(), o.err());
    String line = o.err().strip();
    assertEquals(1, line.lines().count(), line);
    assertTrue(
        line.startsWith("facegate train: ")
            && line.contains(missing.toString())
            && line.contains("does not exist"),
        line);
  }

  @Test
  void emptyDataFolderIsAFailure() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));

    Outcome o =
        run(
            List.of(
                "--data", empty.toString(), "--out", tmp.resolve("o").toString(), "--seed", "1"));

    assertEquals(1, o.code(), o.err());
    String line = o.err().strip();
    assertEquals(1, line.lines().count(), line);
    assertTrue(line.startsWith("facegate train: ") && line.contains("no identity"), line);
  }

  @Test
  void tinyGeneratedDatasetTrainsAndExportsAModelWithItsSeed() throws Exception {
    Path data = generatedFaces(tmp.resolve("faces"), 10, 4);
    Path out = tmp.resolve("model");

    Outcome o =
        run(
            List.of(
                "--data",
                data.toString(),
                "--out",
                out.toString(),
                "--seed",
                "7",
                "--epochs",
                "1",
                "--steps-per-epoch",
                "1",
                "--loss",
                "contrastive",
                "--pairs-per-step",
                "4",
                "--input-size",
                "32",
                "--channels",
                "4",
                "--embedding-dim",
                "8",
                "--no-augment",
                "--validation-fraction",
                "0.2",
                "--test-fraction",
                "0.2"));

    assertEquals(0, o.code(), o.err());
    assertTrue(Files.size(out.resolve("model.onnx")) > 0);
    JsonNode card = new ObjectMapper().readTree(out.resolve("model-card.json").toFile());
    assertEquals(7, card.get("seed").asInt(), card.toString());
    assertEquals(8, card.get("embedding_dim").asInt(), card.toString());
  }

  /** Folder per identity of grey 32x32 PNGs: a per-person pattern plus a little noise per image. */
  private static Path generatedFaces(Path root, int people, int imagesEach) throws Exception {
    Random random = new Random(3);
    for (int p = 0; p < people; p++) {
      Path person = Files.createDirectories(root.resolve("p" + p));
      int[] pattern = random.ints(32 * 32, 0, 256).toArray();
      for (int i = 0; i < imagesEach; i++) {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 32; y++) {
          for (int x = 0; x < 32; x++) {
            int v = Math.max(0, Math.min(255, pattern[y * 32 + x] + random.nextInt(21) - 10));
            img.getRaster().setSample(x, y, 0, v);
          }
        }
        ImageIO.write(img, "png", person.resolve(i + ".png").toFile());
      }
    }
    return root;
  }

  @Test
  void strictImagesStopsAtATooSmallFaceBeforeTraining() throws Exception {
    Path data = tmp.resolve("faces");
    for (String person : new String[] {"a", "b"}) {
      Files.write(Files.createDirectories(data.resolve(person)).resolve("1.pgm"), pgm(40, 40));
    }
    Files.write(data.resolve("b").resolve("tiny.pgm"), pgm(30, 40));
    Outcome o =
        run(
            List.of(
                "--data",
                data.toString(),
                "--out",
                tmp.resolve("o").toString(),
                "--seed",
                "1",
                "--strict-images"));

    assertEquals(1, o.code(), o.err());
    String line = o.err().strip();
    assertEquals(1, line.lines().count(), line);
    assertTrue(line.startsWith("facegate train: ") && line.contains("tiny.pgm"), line);
  }

  private static byte[] pgm(int w, int h) {
    byte[] header = ("P5\n" + w + " " + h + "\n255\n").getBytes(StandardCharsets.US_ASCII);
    return java.util.Arrays.copyOf(header, header.length + w * h);
  }

  private static void assertOneLineError(Outcome o, String mustContain) {
    assertTrue(o.code() != 0, "exit code " + o.code());
    String line = o.err().strip();
    assertEquals(1, line.lines().count(), line);
    assertTrue(line.startsWith("facegate train: ") && line.contains(mustContain), line);
  }

  @Test
  void anUnknownBackboneNamesTheRegistryAndTheKnownNames() {
    Outcome o =
        run(
            List.of(
                "--data",
                tmp.toString(),
                "--out",
                tmp.resolve("o").toString(),
                "--seed",
                "1",
                "--backbone",
                "pretrained",
                "--backbone-registry",
                tmp.resolve("registry").toString()));
    assertOneLineError(o, "known names: scratch, pretrained = faceres, faceres, dlib-resnet");
    assertTrue(o.err().contains(tmp.resolve("registry").resolve("faceres").toString()), o.err());
  }

  @Test
  void headOptionsAreCheckedAndNeedABackbone() throws Exception {
    Path registry = Files.createDirectories(tmp.resolve("registry/faceres"));
    Files.writeString(registry.resolve("model.onnx"), "x");
    assertOneLineError(
        run(
            List.of(
                "--data",
                tmp.toString(),
                "--out",
                tmp.resolve("o").toString(),
                "--seed",
                "1",
                "--backbone",
                "faceres",
                "--backbone-registry",
                registry.getParent().toString(),
                "--head",
                "deep")),
        "--head must be linear or mlp");
    assertOneLineError(
        run(
            List.of(
                "--data",
                tmp.toString(),
                "--out",
                tmp.resolve("o").toString(),
                "--seed",
                "1",
                "--head-dim",
                "64")),
        "--head-dim needs --backbone");
    assertOneLineError(
        run(
            List.of(
                "--data",
                tmp.toString(),
                "--out",
                tmp.resolve("o").toString(),
                "--seed",
                "1",
                "--backbone",
                "faceres",
                "--backbone-registry",
                registry.getParent().toString(),
                "--device",
                "tpu")),
        "expected cpu, cuda, cuda:N or auto");
  }

  @Test
  void backboneOptionsParseIntoFinetuneOptions() throws Exception {
    Path registry = Files.createDirectories(tmp.resolve("registry/dlib-resnet"));
    Files.writeString(registry.resolve("model.onnx"), "x");
    TrainCommand scratch = new TrainCommand();
    new CommandLine(scratch).parseArgs("--data", "d", "--out", "o", "--seed", "1");
    assertEquals(null, scratch.finetuneOptions(true));

    TrainCommand cmd = new TrainCommand();
    new CommandLine(cmd)
        .parseArgs(
            "--data",
            "d",
            "--out",
            "o",
            "--seed",
            "1",
            "--backbone",
            "dlib-resnet",
            "--backbone-registry",
            registry.getParent().toString(),
            "--head",
            "MLP",
            "--head-dim",
            "32",
            "--device",
            "cuda:1",
            "--onnx-threads",
            "3");
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
    TinyOnnxModel.pooling("tiny", 32, 32, 1, 4, 0.5f)
        .centred()
        .write(registry.resolve("model.onnx"));
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
          file[header.length + k] =
              (byte) Math.max(0, Math.min(255, (face[k] & 0xFF) + random.nextInt(21) - 10));
        }
        Files.write(dir.resolve(i + ".pgm"), file);
      }
    }
    Path out = tmp.resolve("out");
    Outcome o =
        run(
            List.of(
                "--data",
                data.toString(),
                "--out",
                out.toString(),
                "--seed",
                "2",
                "--backbone",
                "tiny",
                "--backbone-registry",
                registry.getParent().toString(),
                "--epochs",
                "2",
                "--steps-per-epoch",
                "2",
                "--identities-per-step",
                "4",
                "--images-per-identity",
                "2",
                "--validation-fraction",
                "0.25",
                "--test-fraction",
                "0.25"));
    assertEquals(0, o.code(), o.err());
    JsonNode card = new ObjectMapper().readTree(out.resolve("model-card.json").toFile());
    assertEquals("tiny", card.path("backbone").path("name").asText());
    assertTrue(card.path("raw_backbone").path("metrics").path("test_by_dataset").has("people"));
    assertTrue(card.path("metrics").path("test_by_dataset").has("people"));
  }
}
