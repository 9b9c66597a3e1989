package io.facegate.model.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SsdDecoderTest {
  /** Two anchors: the top-left and the bottom-right quarter of the square input. */
  private static final float[] ANCHORS = {0, 0, 0.5f, 0.5f, 0.5f, 0.5f, 1, 1};

  private static final SsdDecoder DECODER = new SsdDecoder(ANCHORS);
  private static final Letterbox SQUARE_100 = new Letterbox(100, 100, 512);

  @Test
  void aZeroEncodingIsTheAnchorItself() {
    assertArrayEquals(ANCHORS, DECODER.decodeBoxes(new float[8], 0), 1e-7f);
  }

  @Test
  void centreOffsetsScaleByATenthAndSizesByExpOfAFifth() {
    SsdDecoder d = new SsdDecoder(new float[] {0.2f, 0.4f, 0.6f, 0.6f}); // h 0.4, w 0.2
    float th = (float) (5 * Math.log(2)); // doubles the height
    float[] box = d.decodeBoxes(new float[] {1, -2, th, 0}, 0);
    // centre y 0.4 + 0.1 * 0.4, centre x 0.5 - 0.2 * 0.2; half height 0.4, half width 0.1
    assertArrayEquals(new float[] {0.04f, 0.36f, 0.84f, 0.56f}, box, 1e-6f);
  }

  @Test
  void decodesTheImageAtTheGivenOffset() {
    float[] enc = new float[12];
    enc[4 + 4 + 1] = 10; // image 1, anchor 0: shift right by one anchor width
    float[] box = DECODER.decodeBoxes(enc, 4);
    assertArrayEquals(new float[] {0, 0, 0.5f, 0.5f, 0.5f, 1, 1, 1.5f}, box, 1e-6f);
  }

  @Test
  void scoresAreTheSigmoidOfTheLogits() {
    float[] s = DECODER.scores(new float[] {0, (float) Math.log(3)}, 0);
    assertEquals(0.5f, s[0]);
    assertEquals(0.75f, s[1], 1e-7f);
  }

  @Test
  void aNanLogitFailsTheImageInsteadOfBeingSkipped() {
    assertThrows(
        FaceDetectionException.class,
        () ->
            DECODER.faces(
                new float[8],
                new float[] {10, Float.NaN},
                0,
                SQUARE_100,
                FaceDetectorOptions.defaults()));
  }

  @Test
  void anInfiniteLogitIsNoCertainFace() {
    assertThrows(
        FaceDetectionException.class,
        () ->
            DECODER.faces(
                new float[8],
                new float[] {Float.POSITIVE_INFINITY, -10},
                0,
                SQUARE_100,
                FaceDetectorOptions.defaults()));
  }

  @Test
  void aNanEncodingFailsTheImageEvenForALowScoringAnchor() {
    float[] enc = new float[8];
    enc[6] = Float.NaN;
    assertThrows(
        FaceDetectionException.class,
        () ->
            DECODER.faces(
                enc, new float[] {10, -10}, 0, SQUARE_100, FaceDetectorOptions.defaults()));
  }

  @Test
  void aSizeEncodingThatOverflowsFailsTheImage() {
    float[] enc = new float[8];
    enc[2] = 1e4f; // exp(2000)
    assertThrows(FaceDetectionException.class, () -> DECODER.decodeBoxes(enc, 0));
  }

  @Test
  void outputsTooShortForTheImageIndexFail() {
    assertThrows(
        FaceDetectionException.class,
        () ->
            DECODER.faces(
                new float[8], new float[2], 1, SQUARE_100, FaceDetectorOptions.defaults()));
  }

  @Test
  void facesAreMappedToSourcePixelsBestFirstAboveTheMinimumScore() {
    float[] logits = {2, 3}; // sigmoid 0.881, 0.953
    List<FaceBox> faces =
        DECODER.faces(new float[8], logits, 0, SQUARE_100, FaceDetectorOptions.defaults());
    assertEquals(2, faces.size());
    assertBox(50, 50, 50, 50, faces.get(0));
    assertEquals(1 / (1 + Math.exp(-3)), faces.get(0).score(), 1e-7);
    assertBox(0, 0, 50, 50, faces.get(1));

    List<FaceBox> strict =
        DECODER.faces(new float[8], logits, 0, SQUARE_100, new FaceDetectorOptions(0.9, 10));
    assertEquals(1, strict.size());
    assertBox(50, 50, 50, 50, strict.get(0));

    List<FaceBox> one =
        DECODER.faces(new float[8], logits, 0, SQUARE_100, new FaceDetectorOptions(0.5, 1));
    assertEquals(1, one.size());
  }

  @Test
  void noLogitAboveTheMinimumMeansNoFace() {
    assertTrue(
        DECODER
            .faces(new float[8], new float[] {-1, 0}, 0, SQUARE_100, FaceDetectorOptions.defaults())
            .isEmpty());
  }

  @Test
  void aBoxEntirelyOutsideTheInputIsNoFace() {
    float[] enc = new float[8];
    enc[4 + 0] = 30; // anchor 1 moved 1.5 of its heights down: ymin 1.25
    List<FaceBox> faces =
        DECODER.faces(enc, new float[] {-10, 10}, 0, SQUARE_100, FaceDetectorOptions.defaults());
    assertTrue(faces.isEmpty(), faces::toString);
  }

  @Test
  void rejectsNonFiniteOrRaggedAnchors() {
    assertThrows(IllegalArgumentException.class, () -> new SsdDecoder(new float[] {0, 0, 1}));
    assertThrows(IllegalArgumentException.class, () -> new SsdDecoder(new float[0]));
    assertThrows(
        IllegalArgumentException.class, () -> new SsdDecoder(new float[] {0, 0, Float.NaN, 1}));
  }

  static void assertBox(double x, double y, double w, double h, FaceBox b) {
    assertEquals(x, b.x(), 1e-4, () -> "x of " + b);
    assertEquals(y, b.y(), 1e-4, () -> "y of " + b);
    assertEquals(w, b.width(), 1e-4, () -> "width of " + b);
    assertEquals(h, b.height(), 1e-4, () -> "height of " + b);
  }
}
