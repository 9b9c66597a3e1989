package io.facegate.processor.topology;

import io.facegate.model.face.DetectionSpec;
import io.facegate.model.face.FaceBox;
import io.facegate.model.face.FaceDetector;
import io.facegate.model.face.FaceFinder;
import io.facegate.model.face.FaceStage;
import io.facegate.schemas.EnrolledTemplate;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.EnrollmentAction;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.ImageEncoding;
import io.facegate.schemas.ImageKind;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Synthetic 32x32 grey "faces" for topology tests: patterns the tiny model tells apart. */
final class Faces {
  static final int SIDE = 32;

  private Faces() {}

  /** Bright left half, dark right half. */
  /**
   * A frame {@code width} x 40 with alice's face at (16, 4); the stand-in detector keys on width.
   */
  static FaceImage frame(int width) {
    byte[] px = new byte[width * 40];
    byte[] face = left();
    for (int y = 0; y < SIDE; y++) {
      System.arraycopy(face, y * SIDE, px, (y + 4) * width + 16, SIDE);
    }
    return FaceImage.newBuilder()
        .setData(ByteBuffer.wrap(px))
        .setEncoding(ImageEncoding.RAW_GRAY8)
        .setWidth(width)
        .setHeight(40)
        .setKind(ImageKind.FRAME)
        .build();
  }

  /** What the stand-in detector sees in a frame of each width. */
  static final Map<Integer, List<FaceBox>> SCENES =
      Map.of(
          50, List.of(new FaceBox(16, 4, 32, 32, 0.9)),
          51, List.of(),
          52, List.of(new FaceBox(16, 4, 4, 4, 0.95)),
          53, List.of(new FaceBox(16, 4, 32, 32, 0.3)),
          54, List.of(new FaceBox(16, 4, 32, 32, 0.9), new FaceBox(0, 0, 12, 12, 0.8)));

  static FaceFinder frameFinder(FaceFinder.MultipleFaces multiple) {
    FaceDetector detector =
        images ->
            images.stream().map(i -> SCENES.getOrDefault(i.width(), List.<FaceBox>of())).toList();
    return new FaceFinder(
        detector,
        new DetectionSpec("stand-in.onnx", 0),
        FaceStage.WHOLE_IMAGE,
        new FaceFinder.Settings(0.5, 10, multiple));
  }

  /** A frame declared {@code 4000 x 3000}: above any test's pixel limit. */
  static FaceImage hugeFrame() {
    return FaceImage.newBuilder()
        .setData(ByteBuffer.wrap(new byte[16]))
        .setEncoding(ImageEncoding.RAW_GRAY8)
        .setWidth(4000)
        .setHeight(3000)
        .setKind(ImageKind.FRAME)
        .build();
  }

  /** A frame that is a PNG signature and nothing else. */
  static FaceImage corruptFrame() {
    return FaceImage.newBuilder()
        .setData(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G'}))
        .setEncoding(ImageEncoding.PNG)
        .setKind(ImageKind.FRAME)
        .build();
  }

  static byte[] left() {
    return pattern((x, y) -> x < SIDE / 2);
  }

  /** Bright top half, dark bottom half. */
  static byte[] top() {
    return pattern((x, y) -> y < SIDE / 2);
  }

  /** Bright main diagonal band. */
  static byte[] diagonal() {
    return pattern((x, y) -> x < y);
  }

  interface Bright {
    boolean at(int x, int y);
  }

  static byte[] pattern(Bright b) {
    byte[] p = new byte[SIDE * SIDE];
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        p[y * SIDE + x] = (byte) (b.at(x, y) ? 230 : 20);
      }
    }
    return p;
  }

  static FaceImage raw(byte[] pixels) {
    return FaceImage.newBuilder()
        .setData(ByteBuffer.wrap(pixels))
        .setEncoding(ImageEncoding.RAW_GRAY8)
        .setWidth(SIDE)
        .setHeight(SIDE)
        .build();
  }

  static FaceImage image(byte[] data, ImageEncoding encoding, Integer w, Integer h) {
    return FaceImage.newBuilder()
        .setData(ByteBuffer.wrap(data))
        .setEncoding(encoding)
        .setWidth(w)
        .setHeight(h)
        .build();
  }

  static FaceEvent event(String id, FaceImage image, String claimed) {
    return FaceEvent.newBuilder()
        .setEventId(id)
        .setCameraId("cam-1")
        .setDoorId("door-1")
        .setCaptureTime(Instant.ofEpochMilli(1_000))
        .setImage(image)
        .setClaimedIdentity(claimed)
        .setAttributes(Map.of())
        .build();
  }

  static Enrollment enroll(String identity, byte[]... pixels) {
    List<FaceImage> images = new ArrayList<>();
    for (byte[] p : pixels) {
      images.add(raw(p));
    }
    return Enrollment.newBuilder()
        .setIdentityId(identity)
        .setAction(EnrollmentAction.ENROLL)
        .setImages(images)
        .setRequestedAt(Instant.ofEpochMilli(0))
        .build();
  }

  static Enrollment forget(String identity) {
    return Enrollment.newBuilder()
        .setIdentityId(identity)
        .setAction(EnrollmentAction.FORGET)
        .setImages(List.of())
        .setRequestedAt(Instant.ofEpochMilli(0))
        .build();
  }

  static EnrolledTemplate template(String identity, float[] v, int dim, String version) {
    List<Float> values = new ArrayList<>();
    for (float f : v) {
      values.add(f);
    }
    return EnrolledTemplate.newBuilder()
        .setIdentityId(identity)
        .setEmbedding(values)
        .setEmbeddingDim(dim)
        .setModelVersion(version)
        .setImageCount(1)
        .setUpdatedAt(Instant.ofEpochMilli(0))
        .build();
  }
}
