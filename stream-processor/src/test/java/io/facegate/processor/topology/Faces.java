package io.facegate.processor.topology;

import io.facegate.schemas.EnrolledTemplate;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.EnrollmentAction;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.ImageEncoding;
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
    return FaceImage.newBuilder().setData(ByteBuffer.wrap(pixels))
        .setEncoding(ImageEncoding.RAW_GRAY8).setWidth(SIDE).setHeight(SIDE).build();
  }

  static FaceImage image(byte[] data, ImageEncoding encoding, Integer w, Integer h) {
    return FaceImage.newBuilder().setData(ByteBuffer.wrap(data)).setEncoding(encoding)
        .setWidth(w).setHeight(h).build();
  }

  static FaceEvent event(String id, FaceImage image, String claimed) {
    return FaceEvent.newBuilder().setEventId(id).setCameraId("cam-1").setDoorId("door-1")
        .setCaptureTime(Instant.ofEpochMilli(1_000)).setImage(image).setClaimedIdentity(claimed)
        .setAttributes(Map.of()).build();
  }

  static Enrollment enroll(String identity, byte[]... pixels) {
    List<FaceImage> images = new ArrayList<>();
    for (byte[] p : pixels) {
      images.add(raw(p));
    }
    return Enrollment.newBuilder().setIdentityId(identity).setAction(EnrollmentAction.ENROLL)
        .setImages(images).setRequestedAt(Instant.ofEpochMilli(0)).build();
  }

  static Enrollment forget(String identity) {
    return Enrollment.newBuilder().setIdentityId(identity).setAction(EnrollmentAction.FORGET)
        .setImages(List.of()).setRequestedAt(Instant.ofEpochMilli(0)).build();
  }

  static EnrolledTemplate template(String identity, float[] v, int dim, String version) {
    List<Float> values = new ArrayList<>();
    for (float f : v) {
      values.add(f);
    }
    return EnrolledTemplate.newBuilder().setIdentityId(identity).setEmbedding(values)
        .setEmbeddingDim(dim).setModelVersion(version).setImageCount(1)
        .setUpdatedAt(Instant.ofEpochMilli(0)).build();
  }
}
