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
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The golden fixtures written by {@code tools/tfjs-reference} (the original TF.js networks' outputs)
 * are only a test of our ONNX ports if Java can feed the ports the very bytes the original saw.
 * This checks, for every image of every fixture, that the project's {@link ImageDecoder} and the
 * fixtures' nearest-neighbour resize rebuild the recorded SHA-256 of the file, of the decoded RGB
 * and of each network input. It fails if a fixture is regenerated with another JPEG decoder or
 * another resize rule.
 */
class GoldenFixtureInputsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path datasets() {
    Path datasets = Path.of(System.getProperty("facegate.datasets", "../../shared/datasets"));
    Assumptions.assumeTrue(Files.isDirectory(datasets.resolve("orl-faces")), "shared datasets not present");
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
          assertEquals(image.get("fileSha256").asText(), sha256(encoded), where + ": dataset file changed");
        }
        RawImage raw = decoder.decode(encoded, file.endsWith(".jpg") ? ImageFormat.JPEG : ImageFormat.PGM,
            null, null);
        byte[] rgb = toRgb(raw);
        assertEquals(image.get("decodedRgbSha256").asText(), sha256(rgb), where + ": decoded RGB differs");
        if (image.has("inputRgbSha256")) {
          byte[] input = resizeNearest(rgb, raw.width(), raw.height(),
              image.get("inputWidth").asInt(), image.get("inputHeight").asInt());
          assertEquals(image.get("inputRgbSha256").asText(), sha256(input), where + ": network input differs");
          inputs++;
        }
      }
    }
    assertTrue(fixtures.size() >= 8, "expected the eight golden files, found " + fixtures);
    assertTrue(inputs >= 100, "only " + inputs + " network inputs checked");
  }

  /** Grey is replicated to R, G and B, as the fixtures' PGM inputs are. */
  private static byte[] toRgb(RawImage img) {
    if (img.channels() == 3) {
      return img.pixels();
    }
    byte[] rgb = new byte[img.width() * img.height() * 3];
    for (int i = 0; i < img.width() * img.height(); i++) {
      rgb[3 * i] = img.pixels()[i];
      rgb[3 * i + 1] = img.pixels()[i];
      rgb[3 * i + 2] = img.pixels()[i];
    }
    return rgb;
  }

  /** The fixtures' rule: per axis src = min(floor((dst + 0.5) * srcLen / dstLen), srcLen - 1). */
  private static byte[] resizeNearest(byte[] rgb, int w, int h, int dw, int dh) {
    byte[] out = new byte[dw * dh * 3];
    for (int y = 0; y < dh; y++) {
      int sy = (int) Math.min(((2L * y + 1) * h) / (2L * dh), h - 1);
      for (int x = 0; x < dw; x++) {
        int sx = (int) Math.min(((2L * x + 1) * w) / (2L * dw), w - 1);
        System.arraycopy(rgb, 3 * (sy * w + sx), out, 3 * (y * dw + x), 3);
      }
    }
    return out;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
