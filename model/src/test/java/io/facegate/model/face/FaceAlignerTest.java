package io.facegate.model.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.preprocess.RawImage;
import org.junit.jupiter.api.Test;

class FaceAlignerTest {

  private static final AlignmentTemplate TEMPLATE = AlignmentTemplate.arcface(112, 1.0);

  @Test
  void estimateRecoversAKnownSimilarity() {
    SimilarityTransform truth =
        new SimilarityTransform(1.7 * Math.cos(0.3), 1.7 * Math.sin(0.3), 12, -5);
    double[] src = {10, 20, 40, 22, 25, 40, 14, 55, 38, 57};
    double[] dst = new double[src.length];
    for (int i = 0; i < src.length; i += 2) {
      dst[i] = truth.applyX(src[i], src[i + 1]);
      dst[i + 1] = truth.applyY(src[i], src[i + 1]);
    }
    SimilarityTransform t = SimilarityTransform.estimate(src, dst);
    assertEquals(truth.a(), t.a(), 1e-9);
    assertEquals(truth.b(), t.b(), 1e-9);
    assertEquals(truth.tx(), t.tx(), 1e-9);
    assertEquals(truth.ty(), t.ty(), 1e-9);
    assertEquals(1.7, t.scale(), 1e-9);
    SimilarityTransform back = t.inverse();
    assertEquals(src[4], back.applyX(dst[4], dst[5]), 1e-9);
    assertEquals(src[5], back.applyY(dst[4], dst[5]), 1e-9);
  }

  @Test
  void estimateNeverReflects() {
    // a mirrored point set has no proper similarity; the fit keeps det > 0 and shrinks instead
    double[] src = {0, 0, 10, 0, 5, 8, 2, 12, 8, 12};
    double[] dst = {10, 0, 0, 0, 5, 8, 8, 12, 2, 12};
    SimilarityTransform t = SimilarityTransform.estimate(src, dst);
    assertTrue(t.scale() < 1, "a mirror cannot be fitted, scale collapses: " + t);
  }

  @Test
  void rejectsNonFiniteAndDegeneratePoints() {
    double[] good = TEMPLATE.points();
    double[] nan = good.clone();
    nan[3] = Double.NaN;
    assertThrows(IllegalArgumentException.class, () -> SimilarityTransform.estimate(nan, good));
    double[] same = new double[10];
    assertThrows(IllegalArgumentException.class, () -> SimilarityTransform.estimate(same, good));
    assertThrows(
        IllegalArgumentException.class, () -> new FaceAligner(TEMPLATE).align(image(50, 50), nan));
    float[] landmarks = new float[136];
    landmarks[70] = Float.POSITIVE_INFINITY;
    assertThrows(IllegalArgumentException.class, () -> FaceLandmarks.fivePointsOf68(landmarks));
  }

  @Test
  void alignedFaceHasItsPointsOnTheTemplate() {
    // a big rotated "face": five bright dots at the template points, scaled x3, rotated, shifted
    SimilarityTransform place =
        new SimilarityTransform(3 * Math.cos(0.4), 3 * Math.sin(0.4), 150, -40);
    double[] t = TEMPLATE.points();
    double[] src = new double[t.length];
    for (int i = 0; i < t.length; i += 2) {
      src[i] = place.applyX(t[i], t[i + 1]);
      src[i + 1] = place.applyY(t[i], t[i + 1]);
    }
    RawImage img = dots(500, 450, src, 6);
    RawImage aligned = new FaceAligner(TEMPLATE).align(img, src);
    assertEquals(112, aligned.width());
    for (int i = 0; i < t.length; i += 2) {
      int x = (int) Math.round(t[i] - 0.5);
      int y = (int) Math.round(t[i + 1] - 0.5);
      assertTrue(aligned.sample(x, y, 0) > 200, "dot " + i / 2 + " lands on its template point");
    }
    assertEquals(0, aligned.sample(2, 2, 0), "background stays dark");
  }

  @Test
  void templateRoundTripsThroughItsProperty() {
    AlignmentTemplate t = AlignmentTemplate.arcface(150, 0.8);
    AlignmentTemplate back = AlignmentTemplate.parse(t.toProperty());
    assertEquals(t.width(), back.width());
    assertEquals(t.points()[0], back.points()[0], 1e-4);
    assertThrows(IllegalArgumentException.class, () -> AlignmentTemplate.parse("150:1,2"));
    assertThrows(IllegalArgumentException.class, () -> AlignmentTemplate.parse("150x150:1,2,3"));
    assertThrows(IllegalArgumentException.class, () -> AlignmentTemplate.arcface(112, Double.NaN));
  }

  private static RawImage image(int w, int h) {
    return new RawImage(w, h, 1, new byte[w * h]);
  }

  private static RawImage dots(int w, int h, double[] xy, int radius) {
    byte[] px = new byte[w * h];
    for (int i = 0; i < xy.length; i += 2) {
      for (int y = (int) xy[i + 1] - radius; y <= xy[i + 1] + radius; y++) {
        for (int x = (int) xy[i] - radius; x <= xy[i] + radius; x++) {
          if (x >= 0 && y >= 0 && x < w && y < h) {
            px[y * w + x] = (byte) 255;
          }
        }
      }
    }
    return new RawImage(w, h, 1, px);
  }
}
