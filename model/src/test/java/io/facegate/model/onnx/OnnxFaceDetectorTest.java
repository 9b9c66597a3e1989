package io.facegate.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.face.FaceBox;
import io.facegate.model.face.FaceDetectionException;
import io.facegate.model.face.FaceDetectorOptions;
import io.facegate.model.preprocess.RawImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxFaceDetectorTest {
  @TempDir Path dir;

  private OnnxFaceDetector open(TinySsdModel model) {
    return OnnxFaceDetector.open(
        model.write(dir.resolve("ssd.onnx")), DeviceSpec.cpu(), 1, FaceDetectorOptions.defaults());
  }

  /** A grey image, black except a white rectangle. */
  private static RawImage withWhite(int w, int h, int x0, int y0, int x1, int y1) {
    byte[] px = new byte[w * h];
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        px[y * w + x] = (byte) 255;
      }
    }
    return new RawImage(w, h, 1, px);
  }

  @Test
  void findsTheWhiteQuarterInSourcePixels() {
    try (OnnxFaceDetector d = open(TinySsdModel.valid())) {
      assertEquals(TinySsdModel.SIZE, d.inputSize());
      List<FaceBox> faces = d.detect(withWhite(16, 16, 0, 0, 8, 8));
      assertEquals(1, faces.size(), faces::toString);
      assertBox(0, 0, 8, 8, faces.get(0));
      assertEquals(1 / (1 + Math.exp(-10)), faces.get(0).score(), 1e-6);
    }
  }

  @Test
  void mapsBackThroughTheBottomPaddingOfAWideImage() {
    // 32x16 is padded to 32x32: the bottom-right anchor lies half in the padding
    try (OnnxFaceDetector d = open(TinySsdModel.valid())) {
      List<FaceBox> faces = d.detect(withWhite(32, 16, 0, 0, 16, 16));
      assertEquals(1, faces.size(), faces::toString);
      assertBox(0, 0, 16, 16, faces.get(0));
      assertTrue(
          d.detect(withWhite(32, 16, 16, 0, 32, 16)).isEmpty(),
          "a bottom-right quarter that is all padding holds no face");
    }
  }

  @Test
  void aBatchGivesEachImageItsOwnFacesAcrossSeveralRuns() {
    List<RawImage> images = new ArrayList<>();
    for (int i = 0; i < OnnxFaceDetector.MAX_BATCH + 3; i++) {
      images.add(i % 2 == 0 ? withWhite(8, 8, 0, 0, 4, 4) : withWhite(8, 8, 4, 4, 8, 8));
    }
    images.add(withWhite(8, 8, 0, 0, 0, 0));
    try (OnnxFaceDetector d = open(TinySsdModel.valid())) {
      List<List<FaceBox>> faces = d.detect(images);
      assertEquals(images.size(), faces.size());
      for (int i = 0; i < images.size() - 1; i++) {
        assertEquals(1, faces.get(i).size());
        double corner = i % 2 == 0 ? 0 : 4;
        assertBox(corner, corner, 4, 4, faces.get(i).get(0));
        assertEquals(faces.get(i), d.detect(images.get(i)), "batched equals alone");
      }
      assertEquals(Collections.emptyList(), faces.get(images.size() - 1));
    }
  }

  @Test
  void aNanOutputFailsTheWholeBatchInsteadOfFindingOrMissingAFace() {
    try (OnnxFaceDetector d = open(TinySsdModel.valid().withNanWhenBright())) {
      RawImage dark = withWhite(8, 8, 0, 0, 0, 0);
      assertTrue(d.detect(dark).isEmpty());
      assertThrows(
          FaceDetectionException.class, () -> d.detect(List.of(dark, withWhite(8, 8, 0, 0, 4, 4))));
    }
  }

  @Test
  void aModelThatEmitsNanOnABlankImageDoesNotLoad() {
    assertThrows(
        ModelLoadException.class, () -> open(TinySsdModel.valid().withLogitOffset(Float.NaN)));
  }

  @Test
  void anInfiniteLogitIsAnErrorNotACertainFace() {
    assertThrows(
        ModelLoadException.class,
        () -> open(TinySsdModel.valid().withLogitOffset(Float.POSITIVE_INFINITY)));
  }

  @Test
  void rejectsAModelWithAnotherInputName() {
    ModelLoadException e =
        assertThrows(
            ModelLoadException.class, () -> open(TinySsdModel.valid().withInputName("input")));
    assertTrue(e.getMessage().contains("'image'"), e.getMessage());
  }

  @Test
  void rejectsAModelWithoutTheLogitsOutput() {
    ModelLoadException e =
        assertThrows(
            ModelLoadException.class, () -> open(TinySsdModel.valid().withLogitsName("scores")));
    assertTrue(e.getMessage().contains("class_logits"), e.getMessage());
  }

  @Test
  void rejectsAModelWithAFixedBatch() {
    assertThrows(ModelLoadException.class, () -> open(TinySsdModel.valid().withFixedBatch()));
  }

  @Test
  void rejectsAModelThatDoesNotSayItIsThisDetector() {
    ModelLoadException e =
        assertThrows(
            ModelLoadException.class, () -> open(TinySsdModel.valid().withMetadata(Map.of())));
    assertTrue(e.getMessage().contains(OnnxFaceDetector.KIND_KEY), e.getMessage());
  }

  @Test
  void rejectsAMissingFile() {
    assertThrows(
        ModelLoadException.class,
        () ->
            OnnxFaceDetector.open(
                dir.resolve("none.onnx"), DeviceSpec.cpu(), 1, FaceDetectorOptions.defaults()));
  }

  @Test
  void rejectsAnEmptyBatch() {
    try (OnnxFaceDetector d = open(TinySsdModel.valid())) {
      assertThrows(IllegalArgumentException.class, () -> d.detect(List.of()));
    }
  }

  @Test
  void theMinimumScoreAppliesToEveryImage() {
    try (OnnxFaceDetector d =
        OnnxFaceDetector.open(
            TinySsdModel.valid().write(dir.resolve("ssd.onnx")),
            DeviceSpec.cpu(),
            1,
            new FaceDetectorOptions(0.9, 10))) {
      // a quarter at 55% grey: logit 20 * 0.55 - 10 = 1, score 0.73
      byte[] px = new byte[64];
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 4; x++) {
          px[y * 8 + x] = (byte) Math.round(0.55 * 255);
        }
      }
      assertTrue(d.detect(new RawImage(8, 8, 1, px)).isEmpty());
    }
  }

  private static void assertBox(double x, double y, double w, double h, FaceBox b) {
    assertEquals(x, b.x(), 1e-4, () -> "x of " + b);
    assertEquals(y, b.y(), 1e-4, () -> "y of " + b);
    assertEquals(w, b.width(), 1e-4, () -> "width of " + b);
    assertEquals(h, b.height(), 1e-4, () -> "height of " + b);
  }
}
