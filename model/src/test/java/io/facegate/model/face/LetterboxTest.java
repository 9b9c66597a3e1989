package io.facegate.model.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.facegate.model.preprocess.RawImage;
import org.junit.jupiter.api.Test;

class LetterboxTest {

  private static RawImage grey(int w, int h, int... values) {
    byte[] px = new byte[w * h];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) values[i];
    }
    return new RawImage(w, h, 1, px);
  }

  private static float[] tensor(RawImage img, int size) {
    Letterbox box = Letterbox.of(img, size);
    float[] t = new float[box.tensorSize()];
    box.toTensor(img, t, 0);
    return t;
  }

  @Test
  void anImageOfTheInputSizeIsCopiedAndScaledToUnitRange() {
    RawImage rgb =
        new RawImage(
            2,
            2,
            3,
            new byte[] {(byte) 255, 0, 10, 20, 30, 40, 50, 60, 70, (byte) 128, (byte) 200, 1});
    float[] t = tensor(rgb, 2);
    // planar: R plane, G plane, B plane
    float[] expected = {255, 20, 50, 128, 0, 30, 60, 200, 10, 40, 70, 1};
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i] / 255f, t[i], "sample " + i);
    }
  }

  @Test
  void greyIsReplicatedToThreeChannels() {
    float[] t = tensor(grey(2, 2, 0, 51, 102, 255), 2);
    for (int c = 0; c < 3; c++) {
      assertEquals(0.2f, t[c * 4 + 1]);
      assertEquals(1f, t[c * 4 + 3]);
    }
  }

  @Test
  void aWideImageIsPaddedWithZerosBelowNotAbove() {
    float[] t = tensor(grey(4, 2, 10, 20, 30, 40, 50, 60, 70, 80), 4);
    for (int x = 0; x < 4; x++) {
      assertEquals((10 + 10 * x) / 255f, t[x]);
      assertEquals((50 + 10 * x) / 255f, t[4 + x]);
      assertEquals(0f, t[8 + x]);
      assertEquals(0f, t[12 + x]);
    }
  }

  @Test
  void aTallImageIsPaddedWithZerosOnTheRight() {
    float[] t = tensor(grey(1, 2, 100, 200), 2);
    assertEquals(100 / 255f, t[0]);
    assertEquals(0f, t[1]);
    assertEquals(200 / 255f, t[2]);
    assertEquals(0f, t[3]);
  }

  @Test
  void downscalingSamplesAtDstTimesRatioWithoutHalfPixelCentres() {
    // 3x3 -> 2x2: ratio 1.5, sources 0 and 1.5 on each axis
    float[] t = tensor(grey(3, 3, 0, 30, 60, 90, 120, 150, 180, 210, 240), 2);
    assertEquals(0f, t[0]);
    assertEquals(45 / 255f, t[1]); // row 0, col 1.5: (30 + 60) / 2
    assertEquals(135 / 255f, t[2]); // row 1.5, col 0: (90 + 180) / 2
    assertEquals(180 / 255f, t[3]); // (120 + 150 + 210 + 240) / 4
  }

  @Test
  void upscalingBlendsTowardsThePaddingAtTheImageEdge() {
    // 2x1 padded to 2x2, resized to 4x4: ratio 0.5; row 1.5 blends the last row with zeros
    float[] t = tensor(grey(2, 1, 100, 200), 4);
    assertEquals(100 / 255f, t[0]);
    assertEquals(150 / 255f, t[1]);
    assertEquals(200 / 255f, t[2]);
    assertEquals(200 / 255f, t[3]); // clamped at the last column
    assertEquals(50 / 255f, t[4]); // row 0.5: half way to the zero row
    assertEquals(0f, t[8]);
  }

  @Test
  void theFullImageAreaMapsBackToTheWholeImage() {
    for (int[] wh : new int[][] {{300, 200}, {200, 300}, {99, 118}, {4368, 5124}, {512, 512}}) {
      int w = wh[0];
      int h = wh[1];
      Letterbox box = new Letterbox(w, h, 512);
      double side = Math.max(w, h);
      FaceBox all = box.toSource(0, 0, h / side, w / side, 0.9);
      // face-api's rounding of the resized size moves edges by under one resized pixel
      double tol = side / 512;
      assertEquals(0, all.x(), 1e-9);
      assertEquals(0, all.y(), 1e-9);
      assertEquals(w, all.width(), tol, "width for " + w + "x" + h);
      assertEquals(h, all.height(), tol, "height for " + w + "x" + h);
    }
  }

  @Test
  void boxesAreClippedToTheInputSquare() {
    FaceBox b = new Letterbox(100, 100, 512).toSource(-0.1, 0.8, 0.3, 1.2, 0.7);
    assertEquals(80, b.x(), 1e-9);
    assertEquals(0, b.y(), 1e-9);
    assertEquals(20, b.width(), 1e-9);
    assertEquals(30, b.height(), 1e-9);
    assertEquals(0.7, b.score());
  }

  @Test
  void aBoxWithNothingLeftAfterClippingIsNoFace() {
    assertNull(new Letterbox(100, 100, 512).toSource(1.1, 0.2, 1.3, 0.4, 0.9));
    assertNull(new Letterbox(100, 100, 512).toSource(0.2, -0.4, 0.4, -0.1, 0.9));
  }

  @Test
  void rejectsAnImageOfAnotherSizeOrATooShortBuffer() {
    Letterbox box = new Letterbox(4, 4, 2);
    assertThrows(
        IllegalArgumentException.class,
        () -> box.toTensor(grey(2, 2, 0, 0, 0, 0), new float[12], 0));
    RawImage img = grey(4, 4, new int[16]);
    assertThrows(IllegalArgumentException.class, () -> box.toTensor(img, new float[12], 1));
  }
}
