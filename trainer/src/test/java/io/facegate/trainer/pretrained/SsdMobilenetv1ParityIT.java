package io.facegate.trainer.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facegate.model.face.FaceBox;
import io.facegate.model.face.FaceDetectorOptions;
import io.facegate.model.face.SsdDecoder;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.OnnxFaceDetector;
import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageFormat;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.RawImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rebuilt SSD MobileNetV1 against face-api itself: golden outputs written by {@code
 * tools/tfjs-reference/golden.mjs} (face-api 1.7.15, tfjs 4.22 wasm backend) for 18 dataset images.
 * (a) Network: on the golden's nearest-neighbour 512x512 input, the sigmoid score and the decoded
 * box of each of the 20 top anchors agree within {@value #RAW_TOLERANCE}. (b) End to end: {@link
 * OnnxFaceDetector} on the source image (our letterbox, decoding, NMS and mapping) finds the faces
 * {@code faceapi.detectAllFaces} found: same count, IoU &gt;= 0.95, score within {@value
 * #SCORE_TOLERANCE}. Both print the largest difference measured.
 *
 * <p>The weights come through the pinned cache ({@code .facegate/pretrained} of the repository,
 * fetched with npm when missing); where they cannot be fetched, or the datasets are absent, the
 * test is skipped saying so.
 */
class SsdMobilenetv1ParityIT {
  static final double RAW_TOLERANCE = 1e-4;
  static final double SCORE_TOLERANCE = 1e-3;
  static final double MIN_IOU = 0.95;
  private static final String GOLDEN = "/pretrained/golden/ssd_mobilenetv1_model.json";
  private static final Path DATASETS =
      Path.of(System.getProperty("facegate.datasets", "../../shared/datasets"));

  @TempDir static Path dir;
  private static Path onnx;
  private static JsonNode golden;

  @BeforeAll
  static void buildModel() throws IOException {
    try (InputStream in = SsdMobilenetv1ParityIT.class.getResourceAsStream(GOLDEN)) {
      assertTrue(in != null, "golden fixture " + GOLDEN + " is missing");
      golden = new ObjectMapper().readTree(in);
    }
    assumeTrue(Files.isDirectory(DATASETS), "datasets not found at " + DATASETS.toAbsolutePath());
    FetchedPackage faceApi;
    try {
      faceApi =
          new PretrainedFetch(
                  Path.of("..").resolve(PretrainedFetch.DEFAULT_CACHE),
                  "npm",
                  Duration.ofMinutes(5))
              .fetch(PretrainedCatalogue.FACE_API);
    } catch (PretrainedFetchException e) {
      Assumptions.abort("face-api weights cannot be fetched here: " + e.getMessage());
      return;
    }
    onnx = dir.resolve("ssd_mobilenetv1.onnx");
    SsdMobilenetv1Graph.write(faceApi, "test", onnx);
  }

  @Test
  void topAnchorsMatchFaceApiOnTheSameInput() throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    double maxScore = 0;
    double maxBox = 0;
    int compared = 0;
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(onnx.toString(), opts)) {
      for (JsonNode image : golden.get("images")) {
        RawImage src = decode(image);
        byte[] rgb = GoldenFixture.resizeNearest(src, 512, 512);
        assertEquals(
            image.get("inputRgbSha256").asText(),
            GoldenFixture.sha256(rgb),
            image.get("file").asText() + ": our input bytes differ from the golden's");
        float[] chw = new float[3 * 512 * 512];
        for (int p = 0; p < 512 * 512; p++) {
          for (int c = 0; c < 3; c++) {
            chw[c * 512 * 512 + p] = (rgb[3 * p + c] & 0xFF) / 255f;
          }
        }
        float[] encodings;
        float[] logits;
        float[] anchors;
        try (OnnxTensor t =
                OnnxTensor.createTensor(env, FloatBuffer.wrap(chw), new long[] {1, 3, 512, 512});
            OrtSession.Result r = session.run(Map.of(SsdMobilenetv1Graph.INPUT, t))) {
          encodings = floats(r, SsdMobilenetv1Graph.BOX_ENCODINGS);
          logits = floats(r, SsdMobilenetv1Graph.CLASS_LOGITS);
          anchors = floats(r, SsdMobilenetv1Graph.ANCHORS);
        }
        assertEquals(image.get("anchors").asInt(), logits.length);
        SsdDecoder decoder = new SsdDecoder(anchors);
        float[] boxes = decoder.decodeBoxes(encodings, 0);
        float[] scores = decoder.scores(logits, 0);
        for (JsonNode top : image.get("rawTop20")) {
          int a = top.get("anchor").asInt();
          double ds = Math.abs(scores[a] - top.get("score").asDouble());
          maxScore = Math.max(maxScore, ds);
          assertTrue(
              ds <= RAW_TOLERANCE,
              image.get("file").asText()
                  + " anchor "
                  + a
                  + ": score "
                  + scores[a]
                  + " vs face-api "
                  + top.get("score").asDouble());
          for (int k = 0; k < 4; k++) {
            double db = Math.abs(boxes[4 * a + k] - top.get("box").get(k).asDouble());
            maxBox = Math.max(maxBox, db);
            assertTrue(
                db <= RAW_TOLERANCE,
                image.get("file").asText()
                    + " anchor "
                    + a
                    + " box["
                    + k
                    + "]: "
                    + boxes[4 * a + k]
                    + " vs "
                    + top.get("box").get(k));
          }
          compared++;
        }
      }
    }
    System.out.printf(
        "SSD raw parity: %d top anchors, max |score diff| %.3g, max |box diff| %.3g%n",
        compared, maxScore, maxBox);
  }

  @Test
  void detectionsMatchFaceApiDetectAllFaces() throws Exception {
    double minIou = 1;
    double maxScore = 0;
    int faces = 0;
    try (OnnxFaceDetector detector =
        OnnxFaceDetector.open(onnx, DeviceSpec.cpu(), 0, new FaceDetectorOptions(0.5, 100))) {
      List<RawImage> images = new ArrayList<>();
      for (JsonNode image : golden.get("images")) {
        images.add(decode(image));
      }
      List<List<FaceBox>> found = detector.detect(images);
      int i = 0;
      for (JsonNode image : golden.get("images")) {
        String file = image.get("file").asText();
        JsonNode expected = image.get("detections");
        List<FaceBox> got = found.get(i++);
        assertEquals(expected.size(), got.size(), file + ": face count, got " + got);
        for (int k = 0; k < got.size(); k++) {
          JsonNode e = expected.get(k);
          JsonNode b = e.get("box");
          FaceBox want =
              new FaceBox(
                  b.get("x").asDouble(),
                  b.get("y").asDouble(),
                  b.get("width").asDouble(),
                  b.get("height").asDouble(),
                  e.get("score").asDouble());
          double iou = want.iou(got.get(k));
          double ds = Math.abs(want.score() - got.get(k).score());
          minIou = Math.min(minIou, iou);
          maxScore = Math.max(maxScore, ds);
          assertTrue(
              iou >= MIN_IOU,
              file + " face " + k + ": IoU " + iou + ", " + got.get(k) + " vs " + want);
          assertTrue(
              ds <= SCORE_TOLERANCE,
              file + " face " + k + ": score " + got.get(k).score() + " vs " + want.score());
          faces++;
        }
      }
    }
    System.out.printf(
        "SSD end to end: %d faces, min IoU %.6f, max |score diff| %.3g%n", faces, minIou, maxScore);
  }

  /** Decodes a golden image as the golden did: ImageIO for JPEG, PGM grey (replicated later). */
  private static RawImage decode(JsonNode image) throws Exception {
    Path file = DATASETS.resolve(image.get("file").asText());
    byte[] bytes = Files.readAllBytes(file);
    ImageFormat format = file.toString().endsWith(".pgm") ? ImageFormat.PGM : ImageFormat.JPEG;
    RawImage img =
        new ImageDecoder(new ImageLimits(64 << 20, 40_000_000, 1))
            .decode(bytes, format, null, null);
    assertEquals(image.get("sourceWidth").asInt(), img.width(), file + " width");
    assertEquals(image.get("sourceHeight").asInt(), img.height(), file + " height");
    assertEquals(
        image.get("decodedRgbSha256").asText(),
        GoldenFixture.sha256(GoldenFixture.rgb(img)),
        file + ": our decoded pixels differ from the golden's");
    return img;
  }

  private static float[] floats(OrtSession.Result r, String name) {
    FloatBuffer fb = ((OnnxTensor) r.get(name).orElseThrow()).getFloatBuffer();
    float[] out = new float[fb.remaining()];
    fb.get(out);
    return out;
  }
}
