package io.facegate.trainer.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.facegate.model.onnx.OnnxEmbedder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ONNX ports against the original: face-api 1.7.15 run on TF.js's cpu backend by {@code
 * tools/tfjs-reference} wrote each network's raw outputs on dataset images into {@code
 * pretrained/golden/*.json}; here the same inputs are rebuilt (their SHA-256 must equal the
 * recorded one, else the image is skipped with the reason printed), run through the graph built
 * from the same weights in ONNX Runtime, and every output component must be within 1e-4 of
 * face-api's. The measured maximum is printed.
 *
 * <p>Needs the fetched weights ({@code ./facegate pretrained fetch face-api}) and the datasets;
 * skipped, saying which is missing, without them.
 */
class FaceApiGoldenParityTest {

  private static final double TOLERANCE = 1e-4;

  private static Optional<FetchedPackage> faceApi;
  private static Path cache;
  private static Path datasets;

  @BeforeAll
  static void locate() throws Exception {
    cache =
        Path.of(System.getProperty("facegate.root", "..")).resolve(PretrainedFetch.DEFAULT_CACHE);
    faceApi = PretrainedFetch.withNpm(cache).cached(PretrainedCatalogue.FACE_API);
    datasets = Path.of(System.getProperty("facegate.datasets", "../../shared/datasets"));
  }

  /** Skips the calling test, saying why, when the weights or the datasets are absent. */
  private static FetchedPackage requireInputs() {
    // assumed per test, not in @BeforeAll, so each skip is reported with its reason
    assumeTrue(
        faceApi.isPresent(),
        PretrainedCatalogue.FACE_API.spec()
            + " is not in "
            + cache.toAbsolutePath().normalize()
            + "; run ./facegate pretrained fetch face-api");
    assumeTrue(
        Files.isDirectory(datasets),
        "datasets not found at " + datasets.toAbsolutePath().normalize());
    return faceApi.get();
  }

  @Test
  void recognitionNetRawDescriptorMatchesFaceApi() throws Exception {
    GoldenFixture golden = fixture(FaceApiImport.Network.DLIB_RESNET);
    byte[] onnx =
        FaceRecognitionNetOnnx.build(
            weights(FaceApiImport.Network.DLIB_RESNET),
            card(FaceApiImport.Network.DLIB_RESNET),
            0.6f,
            "test",
            Map.of(),
            null,
            "test");
    Map<String, float[][]> out =
        compare(golden, "descriptor", onnx, FaceRecognitionNetOnnx.RAW, "dlib-resnet");
    float[][] raw = out.get(FaceRecognitionNetOnnx.RAW);
    float[][] embedding = out.get(OnnxEmbedder.OUTPUT);
    for (int b = 0; b < raw.length; b++) {
      double norm = 0;
      for (float v : raw[b]) {
        norm += v * v;
      }
      for (int i = 0; i < raw[b].length; i++) {
        assertEquals(raw[b][i] / Math.sqrt(norm), embedding[b][i], 1e-6);
      }
    }
  }

  @Test
  void landmark68NetMatchesFaceApi() throws Exception {
    GoldenFixture golden = fixture(FaceApiImport.Network.LANDMARKS68);
    byte[] onnx =
        FaceLandmark68NetOnnx.build(
            weights(FaceApiImport.Network.LANDMARKS68),
            FaceLandmark68NetOnnx.Variant.FULL,
            card(FaceApiImport.Network.LANDMARKS68),
            "test");
    compare(golden, "landmarksRaw", onnx, FaceLandmark68NetOnnx.OUTPUT, "landmarks68");
  }

  @Test
  void landmark68TinyNetMatchesFaceApi() throws Exception {
    GoldenFixture golden = fixture(FaceApiImport.Network.LANDMARKS68_TINY);
    byte[] onnx =
        FaceLandmark68NetOnnx.build(
            weights(FaceApiImport.Network.LANDMARKS68_TINY),
            FaceLandmark68NetOnnx.Variant.TINY,
            card(FaceApiImport.Network.LANDMARKS68_TINY),
            "test");
    compare(golden, "landmarksRaw", onnx, FaceLandmark68NetOnnx.OUTPUT, "landmarks68-tiny");
  }

  private static GoldenFixture fixture(FaceApiImport.Network network) throws Exception {
    requireInputs();
    Optional<GoldenFixture> golden = GoldenFixture.load(network.modelName());
    assumeTrue(
        golden.isPresent(), "no golden fixture pretrained/golden/" + network.modelName() + ".json");
    assertEquals(PretrainedCatalogue.FACE_API.name(), golden.get().header("package"));
    assertEquals(PretrainedCatalogue.FACE_API.version(), golden.get().header("packageVersion"));
    return golden.get();
  }

  private static TfjsWeights weights(FaceApiImport.Network network) throws Exception {
    return TfjsWeights.readManifest(
        requireInputs().file(PretrainedCard.manifestFile(network.modelName())));
  }

  private static PretrainedCard card(FaceApiImport.Network network) throws Exception {
    return PretrainedCard.forLayersModel(requireInputs(), network.modelName(), network.cliName());
  }

  /**
   * Runs every image whose rebuilt input hashes as recorded, in one batch; asserts and prints the
   * max diff.
   */
  private static Map<String, float[][]> compare(
      GoldenFixture golden, String field, byte[] onnx, String output, String label)
      throws Exception {
    List<GoldenFixture.Entry> used = new ArrayList<>();
    List<byte[]> inputs = new ArrayList<>();
    int size = 0;
    for (GoldenFixture.Entry e : golden.entries(field)) {
      GoldenFixture.Input in = GoldenFixture.rebuild(datasets, e);
      if (!in.sha256().equals(e.inputSha256())) {
        // a JPEG decoded differently gives other pixels; comparing outputs would say nothing about
        // the port
        System.out.println(
            label
                + ": skipping "
                + e.file()
                + ": rebuilt input SHA-256 "
                + in.sha256()
                + " differs from the recorded "
                + e.inputSha256());
        assertTrue(e.file().endsWith(".jpg"), "a PGM input must rebuild exactly: " + e.file());
        continue;
      }
      used.add(e);
      inputs.add(in.rgb());
      size = e.size();
    }
    assertTrue(
        used.size() >= golden.entries(field).size() / 2, "too few golden inputs rebuilt exactly");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, float[][]> out = new java.util.TreeMap<>();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(onnx, options);
          OnnxTensor in =
              OnnxTensor.createTensor(
                  env,
                  FloatBuffer.wrap(GoldenFixture.chw(inputs, size)),
                  new long[] {inputs.size(), 3, size, size});
          OrtSession.Result result = session.run(Map.of("input", in))) {
        for (Map.Entry<String, ai.onnxruntime.OnnxValue> r : result) {
          out.put(r.getKey(), (float[][]) r.getValue().getValue());
        }
      }
    }
    float[][] got = out.get(output);
    double worst = 0;
    String worstAt = "";
    for (int b = 0; b < used.size(); b++) {
      float[] expected = used.get(b).expected();
      assertEquals(expected.length, got[b].length);
      for (int i = 0; i < expected.length; i++) {
        double d = Math.abs(expected[i] - got[b][i]);
        if (d > worst) {
          worst = d;
          worstAt = used.get(b).file() + "[" + i + "]";
        }
      }
    }
    System.out.printf(
        "%s parity: %d of %d golden images, max abs diff %.3g at %s%n",
        label, used.size(), golden.entries(field).size(), worst, worstAt);
    assertTrue(
        worst <= TOLERANCE,
        label + ": max abs diff " + worst + " at " + worstAt + " > " + TOLERANCE);
    return out;
  }
}
