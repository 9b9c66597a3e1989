package io.facegate.trainer.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageFormat;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.RawImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The golden fixtures written by {@code tools/tfjs-reference} (the original TF.js networks'
 * outputs) are only a test of our ONNX ports if Java can feed the ports the very bytes the original
 * saw. This checks, for every image of every fixture, that the project's {@link ImageDecoder} and
 * the fixtures' nearest-neighbour resize rebuild the recorded SHA-256 of the file, of the decoded
 * RGB and of each network input. It fails if a fixture is regenerated with another JPEG decoder or
 * another resize rule.
 */
class GoldenFixtureInputsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path datasets() {
    Path datasets = Path.of(System.getProperty("facegate.datasets", "../../shared/datasets"));
    Assumptions.assumeTrue(
        Files.isDirectory(datasets.resolve("orl-faces")), "shared datasets not present");
    return datasets;
  }

  private static List<Path> fixtures() throws Exception {
    Path dir = Path.of(GoldenFixtureInputsTest.class.getResource("/pretrained/golden").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
  }

  @Test
  void everyGoldenInputIsRebuiltBitForBitFromTheDatasetFile() throws Exception {
    Path datasets = datasets();
    ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
    List<Path> fixtures = fixtures();
    int inputs = 0;
    for (Path fixture : fixtures) {
      for (JsonNode image : JSON.readTree(fixture.toFile()).get("images")) {
        String file = image.get("file").asText();
        String where = fixture.getFileName() + " " + file;
        byte[] encoded = Files.readAllBytes(datasets.resolve(file));
        if (image.has("fileSha256")) {
          assertEquals(
              image.get("fileSha256").asText(),
              GoldenFixture.sha256(encoded),
              where + ": dataset file changed");
        }
        RawImage raw =
            decoder.decode(
                encoded, file.endsWith(".jpg") ? ImageFormat.JPEG : ImageFormat.PGM, null, null);
        byte[] rgb = GoldenFixture.rgb(raw);
        assertEquals(
            image.get("decodedRgbSha256").asText(),
            GoldenFixture.sha256(rgb),
            where + ": decoded RGB differs");
        if (image.has("inputRgbSha256")) {
          byte[] input =
              GoldenFixture.resizeNearest(
                  raw, image.get("inputWidth").asInt(), image.get("inputHeight").asInt());
          assertEquals(
              image.get("inputRgbSha256").asText(),
              GoldenFixture.sha256(input),
              where + ": network input differs");
          inputs++;
        }
      }
    }
    assertTrue(fixtures.size() >= 8, "expected the eight golden files, found " + fixtures);
    assertTrue(inputs >= 100, "only " + inputs + " network inputs checked");
  }
}
