package io.facegate.trainer.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.face.FaceBox;
import io.facegate.model.face.FaceDetector;
import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.RawImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionSurveyTest {
  @TempDir Path dir;

  /** A 4x4 PGM whose pixels all hold {@code value}. */
  private Path pgm(String name, int value) throws Exception {
    byte[] header = "P5\n4 4\n255\n".getBytes(StandardCharsets.US_ASCII);
    byte[] data = new byte[header.length + 16];
    System.arraycopy(header, 0, data, 0, header.length);
    java.util.Arrays.fill(data, header.length, data.length, (byte) value);
    return Files.write(dir.resolve(name), data);
  }

  /** Scores one face at pixel value / 255, none for a black image. */
  private static final FaceDetector BY_BRIGHTNESS =
      images ->
          images.stream()
              .map(
                  img -> {
                    double score = (img.pixels()[0] & 0xFF) / 255.0;
                    return score == 0
                        ? List.<FaceBox>of()
                        : List.of(new FaceBox(0, 0, 4, 4, score));
                  })
              .toList();

  @Test
  void countsImagesWithAFacePerThresholdAndListsTheRest() throws Exception {
    pgm("a.pgm", 204); // 0.8
    pgm("b.pgm", 102); // 0.4
    pgm("c.pgm", 0);
    Files.writeString(dir.resolve("d.pgm"), "not an image");
    Files.writeString(dir.resolve("notes.txt"), "ignored");
    List<Path> files = DetectionSurvey.images(dir);
    assertEquals(4, files.size());
    DetectionSurvey.Summary s =
        DetectionSurvey.run(
            "t", dir, files, new ImageDecoder(new ImageLimits(1024, 1024, 1)), BY_BRIGHTNESS, 0);
    assertEquals(1, s.found(0.5));
    assertEquals(2, s.found(0.3));
    assertEquals(
        List.of(Path.of("b.pgm"), Path.of("c.pgm")),
        s.missed(0.5).stream().map(DetectionSurvey.ImageResult::file).toList());
    assertEquals(
        List.of(Path.of("d.pgm")),
        s.rejected().stream().map(DetectionSurvey.ImageResult::file).toList());
    String report = s.report(0.5, 0.3);
    assertTrue(report.contains(">= 1 face above 0.50: 1 of 3"), report);
    assertTrue(report.contains(">= 1 face above 0.30: 2 of 3"), report);
    assertTrue(report.contains("rejected d.pgm"), report);
  }

  @Test
  void aMarginCentresTheImageInABlackCanvas() {
    RawImage img = new RawImage(2, 1, 1, new byte[] {5, 6});
    RawImage padded = DetectionSurvey.withMargin(img, 0.5);
    assertEquals(4, padded.width());
    assertEquals(3, padded.height()); // round(0.5) = 1 row above and below
    assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 5, 6, 0, 0, 0, 0, 0}, padded.pixels());
    assertSame(img, DetectionSurvey.withMargin(img, 0));
  }

  @Test
  void reportsBoxesInTheSourceImageAndTheMarginACropHasAroundIt() throws Exception {
    pgm("crop.pgm", 200);
    // sees the 4x4 crop inside an 8x8 canvas (border 0.5): a 2x2 face in the canvas' centre
    FaceDetector centre =
        images ->
            images.stream()
                .map(
                    img ->
                        List.of(
                            new FaceBox(img.width() / 2.0 - 1, img.height() / 2.0 - 1, 2, 2, 0.9)))
                .toList();
    DetectionSurvey.Summary s =
        DetectionSurvey.run(
            "t",
            dir,
            DetectionSurvey.images(dir),
            new ImageDecoder(new ImageLimits(1024, 1024, 1)),
            centre,
            0.5);
    DetectionSurvey.ImageResult r = s.images().get(0);
    assertEquals(4, r.width());
    assertEquals(new FaceBox(1, 1, 2, 2, 0.9), r.faces().get(0));
    // a 4 px crop around a 2 px box: half the box on every side
    assertEquals(0.5, r.cropMargin(0.5), 1e-12);
    assertTrue(Double.isNaN(r.cropMargin(0.95)), "no face above 0.95, no margin");
    assertArrayEquals(new double[] {0.5}, s.cropMargins(0.5), 1e-12);
    assertTrue(s.report(0.5).contains("1 crops, p5 0.500"), s.report(0.5));
  }
}
