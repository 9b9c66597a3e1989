package io.facegate.model.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.facegate.model.preprocess.RawImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LandmarkAlignerTest {

  private static final AlignmentTemplate TEMPLATE = AlignmentTemplate.arcface(112, 1.0);

  /**
   * Finds the bright blob of each crop and answers a face-shaped constellation of 68 points around
   * it, 40 crop pixels wide: the answer moves with the crop, so the aligner's mapping from crop
   * back to source pixels is what the tests check.
   */
  private static final class BlobLandmarker implements Landmarker {
    final List<Integer> batchSizes = new ArrayList<>();

    @Override
    public float[][] locate(List<RawImage> crops) {
      batchSizes.add(crops.size());
      float[][] out = new float[crops.size()][];
      for (int i = 0; i < crops.size(); i++) {
        RawImage c = crops.get(i);
        double sx = 0;
        double sy = 0;
        double n = 0;
        for (int y = 0; y < c.height(); y++) {
          for (int x = 0; x < c.width(); x++) {
            int v = c.sample(x, y, 0);
            if (v > 128) {
              sx += (x + 0.5) * v;
              sy += (y + 0.5) * v;
              n += v;
            }
          }
        }
        if (n == 0) {
          out[i] = new float[136];
          java.util.Arrays.fill(out[i], Float.NaN);
          continue;
        }
        double cx = sx / n;
        double cy = sy / n;
        double r = 20;
        float[] xy = new float[136];
        for (int k = 0; k < 68; k++) {
          double a = 2 * Math.PI * k / 68;
          xy[2 * k] = (float) (cx + r * Math.cos(a));
          xy[2 * k + 1] = (float) (cy + r * Math.sin(a));
        }
        out[i] = xy;
      }
      return out;
    }
  }

  @Test
  void landmarksFoundInRecropsMapBackToTheSource() {
    RawImage img = blob(300, 240, 200.5, 80.5, 5);
    BlobLandmarker lm = new BlobLandmarker();
    LandmarkAligner aligner = new LandmarkAligner(lm, TEMPLATE, 2, 0.2);
    LandmarkAligner.Aligned a = aligner.align(img);
    double cx = 0;
    double cy = 0;
    for (int k = 0; k < 68; k++) {
      cx += a.landmarks()[2 * k] / 68.0;
      cy += a.landmarks()[2 * k + 1] / 68.0;
    }
    assertEquals(200.5, cx, 1.0);
    assertEquals(80.5, cy, 1.0);
    assertEquals(List.of(1, 1, 1), lm.batchSizes, "one batched call per round");
    assertEquals(112, a.image().width());
    assertEquals(10, a.points().length);
  }

  @Test
  void aFaceWithoutLandmarksIsNullInTheBatchAndAnErrorAlone() {
    RawImage good = blob(100, 100, 50.5, 50.5, 4);
    RawImage dark = new RawImage(100, 100, 1, new byte[100 * 100]);
    BlobLandmarker lm = new BlobLandmarker();
    LandmarkAligner aligner = new LandmarkAligner(lm, TEMPLATE, 1, 0.2);
    List<LandmarkAligner.Aligned> out = aligner.alignAll(List.of(good, dark, good));
    assertNotNull(out.get(0));
    assertNull(out.get(1));
    assertNotNull(out.get(2));
    assertEquals(List.of(3, 2), lm.batchSizes, "the failed face is not refined");
    assertThrows(FaceAlignmentException.class, () -> aligner.align(dark));
  }

  @Test
  void aLandmarkerThatAnswersTheWrongCountFailsTheBatch() {
    Landmarker broken = crops -> new float[0][];
    LandmarkAligner aligner = new LandmarkAligner(broken, TEMPLATE, 0, 0.2);
    assertThrows(
        IllegalStateException.class, () -> aligner.alignAll(List.of(blob(50, 50, 25, 25, 3))));
  }

  @Test
  void rejectsBadSettings() {
    BlobLandmarker lm = new BlobLandmarker();
    assertThrows(IllegalArgumentException.class, () -> new LandmarkAligner(lm, TEMPLATE, -1, 0.2));
    assertThrows(
        IllegalArgumentException.class, () -> new LandmarkAligner(lm, TEMPLATE, 1, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new LandmarkAligner(null, TEMPLATE, 1, 0.2));
  }

  private static RawImage blob(int w, int h, double cx, double cy, int radius) {
    byte[] px = new byte[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (Math.hypot(x + 0.5 - cx, y + 0.5 - cy) <= radius) {
          px[y * w + x] = (byte) 255;
        }
      }
    }
    return new RawImage(w, h, 1, px);
  }
}
