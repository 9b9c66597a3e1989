package io.facegate.trainer.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.OnnxLivenessCheck;
import io.facegate.model.preprocess.RawImage;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The imported liveness networks agree with the originals: {@code tools/tfjs-reference/golden.mjs}
 * ran Human's {@code antispoof} and {@code liveness} on TF.js's cpu backend over the 20 golden face
 * crops (RGB / 255, as Human feeds its 0..1 crop); here the same inputs are rebuilt (SHA-256
 * checked), made into the contract tensor by the project's {@code Preprocessor}, and the ONNX
 * port's whole output must be within 1e-5 of tfjs's. The {@code liveness} output the processor
 * reads must be the first column, and {@link OnnxLivenessCheck} must accept the written model and
 * give the same score. Needs the cached weights and the datasets; skipped, saying which is missing,
 * without them.
 */
class LivenessParityIT {

  private static final double TOLERANCE = 1e-5;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(LivenessImport.Network.class)
  void outputMatchesTfjsAndTheCheckReadsTheLiveColumn(LivenessImport.Network network)
      throws Exception {
    Path cache =
        Path.of(System.getProperty("facegate.root", "..")).resolve(PretrainedFetch.DEFAULT_CACHE);
    Optional<FetchedPackage> fetched =
        PretrainedFetch.withNpm(cache).cached(PretrainedCatalogue.HUMAN_MODELS);
    assumeTrue(
        fetched.isPresent(),
        PretrainedCatalogue.HUMAN_MODELS.spec()
            + " is not in "
            + cache.toAbsolutePath().normalize()
            + "; run ./facegate pretrained fetch human-models");
    Path datasets = Path.of(System.getProperty("facegate.datasets", "../../shared/datasets"));
    assumeTrue(
        Files.isDirectory(datasets),
        "datasets not found at " + datasets.toAbsolutePath().normalize());
    GoldenFixture golden =
        GoldenFixture.load(network.cliName())
            .orElseThrow(
                () ->
                    new AssertionError(
                        "no golden fixture pretrained/golden/" + network.cliName() + ".json"));

    int s = network.size();
    List<byte[]> inputs = new ArrayList<>();
    List<float[]> expected = new ArrayList<>();
    for (GoldenFixture.Entry e : golden.entries("output")) {
      GoldenFixture.Input in = GoldenFixture.rebuild(datasets, e);
      if (!in.sha256().equals(e.inputSha256())) {
        System.out.println(
            network.cliName()
                + ": skipped "
                + e.file()
                + " (decoded input differs from the fixture's)");
        continue;
      }
      inputs.add(in.rgb());
      expected.add(e.expected());
    }
    assertTrue(inputs.size() >= 10, "too few golden images rebuilt: " + inputs.size());
    int n = inputs.size();
    byte[] onnx = LivenessImport.onnx(fetched.get(), network, "test", true);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    double maxDiff = 0;
    float[] live = new float[n];
    try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
        OnnxTensor x =
            OnnxTensor.createTensor(
                env, FloatBuffer.wrap(GoldenFixture.chw(inputs, s)), new long[] {n, 3, s, s});
        OrtSession.Result r = session.run(Map.of(OnnxLivenessCheck.INPUT, x))) {
      float[][] raw = (float[][]) r.get(LivenessImport.RAW_OUTPUT).orElseThrow().getValue();
      float[][] score = (float[][]) r.get(OnnxLivenessCheck.OUTPUT).orElseThrow().getValue();
      for (int i = 0; i < n; i++) {
        assertEquals(expected.get(i).length, raw[i].length, "output length");
        for (int k = 0; k < raw[i].length; k++) {
          maxDiff = Math.max(maxDiff, Math.abs(raw[i][k] - expected.get(i)[k]));
        }
        assertEquals(raw[i][0], score[i][0], 0f, "the live score is column 0");
        live[i] = score[i][0];
      }
    }
    System.out.printf("%s parity: %d images, max abs diff %.3g%n", network.cliName(), n, maxDiff);
    assertTrue(maxDiff <= TOLERANCE, "max abs diff " + maxDiff + " > " + TOLERANCE);

    // the written file passes the runtime contract check and scores the same inputs the same
    Path file = LivenessImport.write(fetched.get(), network, dir, "test").file();
    try (OnnxLivenessCheck check = OnnxLivenessCheck.open(file, DeviceSpec.parse("cpu"), 1, 0.5f)) {
      assertEquals(s, check.inputSize());
      List<RawImage> crops = inputs.stream().map(b -> new RawImage(s, s, 3, b)).toList();
      float[] scores = check.scores(crops);
      for (int i = 0; i < n; i++) {
        assertEquals(live[i], scores[i], 1e-6f);
      }
    }
  }
}
