package io.facegate.trainer.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageFormat;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.PreprocessSpec;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.model.preprocess.RawImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A golden JSON fixture written by {@code tools/tfjs-reference} (the original face-api on TF.js's
 * cpu backend) and the network inputs rebuilt from its definition: decode to RGB uint8 (grey
 * replicated), nearest-neighbour resize with {@code src = floor((2 dst + 1) srcLen / (2 dstLen))},
 * HWC bytes whose SHA-256 the fixture records.
 */
final class GoldenFixture {

  /** One golden image: where it is, the recorded input hash and the recorded output. */
  record Entry(String file, String inputSha256, int size, float[] expected) {}

  /** An input rebuilt here: its uint8 HWC RGB bytes and their SHA-256. */
  record Input(byte[] rgb, String sha256) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final JsonNode root;

  private GoldenFixture(JsonNode root) {
    this.root = root;
  }

  /** The fixture {@code pretrained/golden/NAME.json} on the test class path, if it is there. */
  static Optional<GoldenFixture> load(String network) throws IOException {
    try (InputStream in =
        GoldenFixture.class.getResourceAsStream("/pretrained/golden/" + network + ".json")) {
      return in == null ? Optional.empty() : Optional.of(new GoldenFixture(JSON.readTree(in)));
    }
  }

  String header(String field) {
    return root.path(field).asText();
  }

  float[] meanRgb() {
    JsonNode m = root.path("normalisation").path("meanRgb");
    return new float[] {
      (float) m.get(0).asDouble(), (float) m.get(1).asDouble(), (float) m.get(2).asDouble()
    };
  }

  /** The entries, their expected outputs read from {@code outputField}. */
  List<Entry> entries(String outputField) {
    List<Entry> out = new ArrayList<>();
    for (JsonNode e : root.path("images")) {
      JsonNode values = e.path(outputField);
      float[] expected = new float[values.size()];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = (float) values.get(i).asDouble();
      }
      out.add(
          new Entry(
              e.path("file").asText(),
              e.path("inputRgbSha256").asText(),
              e.path("inputWidth").asInt(),
              expected));
    }
    return out;
  }

  /** Decodes a dataset image with facegate's decoder and resizes it as the fixture defines. */
  static Input rebuild(Path datasets, Entry entry) throws Exception {
    byte[] data = Files.readAllBytes(datasets.resolve(entry.file()));
    ImageFormat format = entry.file().endsWith(".pgm") ? ImageFormat.PGM : ImageFormat.JPEG;
    RawImage img = new ImageDecoder(ImageLimits.defaults()).decode(data, format, null, null);
    byte[] rgb = resizeNearest(img, entry.size(), entry.size());
    return new Input(rgb, sha256(rgb));
  }

  /**
   * Nearest neighbour, per axis {@code src = min(floor((2 dst + 1) srcLen / (2 dstLen)), srcLen -
   * 1)}; grey to RGB.
   */
  static byte[] resizeNearest(RawImage img, int dstW, int dstH) {
    byte[] out = new byte[dstW * dstH * 3];
    for (int y = 0; y < dstH; y++) {
      int sy = (int) Math.min(((2L * y + 1) * img.height()) / (2L * dstH), img.height() - 1);
      for (int x = 0; x < dstW; x++) {
        int sx = (int) Math.min(((2L * x + 1) * img.width()) / (2L * dstW), img.width() - 1);
        for (int c = 0; c < 3; c++) {
          out[3 * (y * dstW + x) + c] = (byte) img.sample(sx, sy, img.channels() == 1 ? 0 : c);
        }
      }
    }
    return out;
  }

  /**
   * The contract input for a batch of HWC RGB images of the network's size, made by the project's
   * {@link Preprocessor} (the processor's own code; at the input size it only scales to x / 255).
   */
  static float[] chw(List<byte[]> images, int size) {
    Preprocessor pre =
        new Preprocessor(new PreprocessSpec(size, size, 3, new float[3], new float[] {1f, 1f, 1f}));
    float[] out = new float[images.size() * pre.tensorSize()];
    for (int i = 0; i < images.size(); i++) {
      pre.toTensor(new RawImage(size, size, 3, images.get(i)), out, i * pre.tensorSize());
    }
    return out;
  }

  /** Grey replicated to R, G and B, as the fixtures' decoder gives every image; RGB as it is. */
  static byte[] rgb(RawImage img) {
    if (img.channels() == 3) {
      return img.pixels();
    }
    byte[] grey = img.pixels();
    byte[] out = new byte[grey.length * 3];
    for (int i = 0; i < grey.length; i++) {
      out[3 * i] = grey[i];
      out[3 * i + 1] = grey[i];
      out[3 * i + 2] = grey[i];
    }
    return out;
  }

  /** Lower-case hex SHA-256, as the fixtures record inputs and files. */
  static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
