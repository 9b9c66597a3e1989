package io.facegate.model.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.face.FaceFinder.Face;
import io.facegate.model.face.FaceFinder.Found;
import io.facegate.model.face.FaceFinder.Input;
import io.facegate.model.face.FaceFinder.Kind;
import io.facegate.model.face.FaceFinder.MultipleFaces;
import io.facegate.model.face.FaceFinder.Rejected;
import io.facegate.model.face.FaceFinder.Rejection;
import io.facegate.model.face.FaceFinder.Settings;
import io.facegate.model.preprocess.RawImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaceFinderTest {

  private static final DetectionSpec SPEC = new DetectionSpec("det.onnx", 0.25);

  /** A detector that answers by image width, and counts its calls. */
  private static final class ByWidth implements FaceDetector {
    final Map<Integer, List<FaceBox>> answers;
    final List<Integer> batchSizes = new ArrayList<>();

    ByWidth(Map<Integer, List<FaceBox>> answers) {
      this.answers = answers;
    }

    @Override
    public List<List<FaceBox>> detect(List<RawImage> images) {
      batchSizes.add(images.size());
      return images.stream().map(i -> answers.getOrDefault(i.width(), List.<FaceBox>of())).toList();
    }
  }

  private static RawImage frame(int w, int h) {
    byte[] px = new byte[w * h];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (1 + i % 250);
    }
    return new RawImage(w, h, 1, px);
  }

  private static FaceFinder finder(FaceDetector d, MultipleFaces multiple) {
    return new FaceFinder(d, SPEC, FaceStage.WHOLE_IMAGE, new Settings(0.5, 20, multiple));
  }

  @Test
  void cropsPassThroughTheModelsStageWithoutDetection() {
    ByWidth d = new ByWidth(Map.of());
    RawImage crop = frame(40, 40);
    Found f = finder(d, MultipleFaces.LARGEST).find(List.of(new Input(crop, Kind.CROP))).get(0);
    assertSame(crop, ((Face) f).image());
    assertNull(((Face) f).box());
    assertTrue(d.batchSizes.isEmpty());
  }

  @Test
  void framesAreDetectedInOneBatchAndEachGetsItsReason() {
    FaceBox good = new FaceBox(40, 40, 40, 40, 0.9);
    ByWidth d =
        new ByWidth(
            Map.of(
                200, List.of(good),
                201, List.of(),
                202, List.of(new FaceBox(10, 10, 50, 50, 0.4)),
                203, List.of(new FaceBox(10, 10, 8, 8, 0.95)),
                204,
                    List.of(new FaceBox(10, 10, 30, 30, 0.9), new FaceBox(100, 100, 60, 60, 0.7))));
    List<Input> in = new ArrayList<>();
    for (int w = 200; w <= 204; w++) {
      in.add(new Input(frame(w, 160), Kind.FRAME));
    }
    List<Found> out = finder(d, MultipleFaces.DENY).find(in);
    assertEquals(List.of(5), d.batchSizes);
    assertEquals(good, ((Face) out.get(0)).box());
    assertEquals(Rejection.NO_FACE, ((Rejected) out.get(1)).reason());
    assertEquals(Rejection.LOW_DETECTION_SCORE, ((Rejected) out.get(2)).reason());
    assertEquals(Rejection.FACE_TOO_SMALL, ((Rejected) out.get(3)).reason());
    Rejected multi = (Rejected) out.get(4);
    assertEquals(Rejection.MULTIPLE_FACES, multi.reason());
    assertEquals(60, multi.box().width());
  }

  @Test
  void largestPolicyDecidesTheLargestFaceNotTheBestScored() {
    FaceBox big = new FaceBox(100, 20, 60, 60, 0.7);
    ByWidth d =
        new ByWidth(
            Map.of(
                300,
                List.of(new FaceBox(10, 10, 30, 30, 0.99), big, new FaceBox(0, 0, 200, 200, 0.3))));
    Found f =
        finder(d, MultipleFaces.LARGEST)
            .find(List.of(new Input(frame(300, 200), Kind.FRAME)))
            .get(0);
    assertEquals(big, ((Face) f).box());
    // 60 px box, margin 0.25 on each side: a 90 px square
    assertEquals(90, ((Face) f).image().width());
    assertEquals(90, ((Face) f).image().height());
  }

  @Test
  void framesWithoutADetectorAreRejectedAndCropsStillServed() {
    FaceFinder crops = FaceFinder.cropsOnly(FaceStage.WHOLE_IMAGE);
    List<Found> out =
        crops.find(
            List.of(new Input(frame(50, 50), Kind.FRAME), new Input(frame(40, 40), Kind.CROP)));
    assertEquals(Rejection.NO_DETECTOR, ((Rejected) out.get(0)).reason());
    assertInstanceOf(Face.class, out.get(1));
  }

  @Test
  void alignmentThatFindsNoFaceIsNoFace() {
    FaceStage none =
        images -> {
          List<RawImage> out = new ArrayList<>();
          images.forEach(i -> out.add(null));
          return out;
        };
    ByWidth d = new ByWidth(Map.of(100, List.of(new FaceBox(20, 20, 40, 40, 0.9))));
    FaceFinder f = new FaceFinder(d, SPEC, none, Settings.defaults());
    Rejected r = (Rejected) f.find(List.of(new Input(frame(100, 100), Kind.FRAME))).get(0);
    assertEquals(Rejection.NO_FACE, r.reason());
  }

  @Test
  void aDetectorGivingTheWrongNumberOfAnswersFailsTheBatch() {
    FaceDetector broken = images -> List.of();
    FaceFinder f = finder(broken, MultipleFaces.LARGEST);
    assertThrows(
        IllegalStateException.class, () -> f.find(List.of(new Input(frame(100, 100), Kind.FRAME))));
  }

  @Test
  void cutCopiesTheBoxAndZeroesWhatLiesOutsideTheFrame() {
    RawImage img = frame(100, 80);
    // box at the top-left corner: the square reaches out of the frame on the left and the top
    RawImage cut = FaceFinder.cut(img, new FaceBox(0, 0, 20, 20, 0.9), 0.5);
    assertEquals(40, cut.width());
    assertEquals(0, cut.sample(0, 0, 0));
    assertEquals(0, cut.sample(9, 9, 0));
    assertEquals(img.sample(0, 0, 0), cut.sample(10, 10, 0));
    assertEquals(img.sample(29, 19, 0), cut.sample(39, 29, 0));
  }

  @Test
  void aHugeBoxIsAveragedDownToABoundedCut() {
    RawImage img = new RawImage(3000, 3000, 3, new byte[3000 * 3000 * 3]);
    java.util.Arrays.fill(img.pixels(), (byte) 200);
    RawImage cut = FaceFinder.cut(img, new FaceBox(0, 0, 3000, 3000, 0.9), 0.5);
    assertTrue(cut.width() <= FaceFinder.MAX_CUT_SIDE, "side " + cut.width());
    // the centre lies inside the frame: the average of uniform pixels is the same value
    assertEquals(200, cut.sample(cut.width() / 2, cut.height() / 2, 1));
    assertEquals(0, cut.sample(0, 0, 1));
  }

  @Test
  void settingsNameTheFieldAtFault() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new Settings(1.5, 20, MultipleFaces.DENY));
    assertTrue(e.getMessage().startsWith("minScore "));
    e =
        assertThrows(
            IllegalArgumentException.class, () -> new Settings(0.5, 0, MultipleFaces.DENY));
    assertTrue(e.getMessage().startsWith("minFaceSide "));
    assertEquals(MultipleFaces.DENY, MultipleFaces.parse(" Deny"));
    assertThrows(IllegalArgumentException.class, () -> MultipleFaces.parse("first"));
  }
}
