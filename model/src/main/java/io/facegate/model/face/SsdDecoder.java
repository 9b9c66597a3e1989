package io.facegate.model.face;

import java.util.ArrayList;
import java.util.List;

/**
 * The post-processing of face-api's SSD MobileNetV1 ({@code ssdMobilenetv1/outputLayer.ts} and
 * {@code SsdMobilenetv1.locateFaces}), applied to the network's raw outputs: box encodings are
 * decoded against the anchors with variances 10 (centre) and 5 (size), the face logit goes through
 * a sigmoid, non-maximum suppression keeps the best boxes (IoU threshold 0.5), and the survivors
 * are mapped back to source pixels.
 *
 * <p>Anchors, encodings and decoded boxes are {@code [ymin, xmin, ymax, xmax]} / {@code [ty, tx,
 * th, tw]} quadruples relative to the padded square input. Each arithmetic step rounds to float as
 * TF.js's float32 tensors do, so boxes and scores match face-api's to the last bit where the inputs
 * do. Every network value is checked: one NaN or infinity fails the image.
 */
public final class SsdDecoder {

  /** face-api's fixed IoU threshold for suppression. */
  public static final double IOU_THRESHOLD = 0.5;

  private final float[] anchors;
  private final int count;

  /**
   * A decoder for the given anchors.
   *
   * @param anchors {@code 4 * n} floats, {@code [ymin, xmin, ymax, xmax]} per anchor, all finite
   * @throws IllegalArgumentException when the anchors are empty, ragged or not finite
   */
  public SsdDecoder(float[] anchors) {
    if (anchors == null || anchors.length == 0 || anchors.length % 4 != 0) {
      throw new IllegalArgumentException("anchors must be a non-empty multiple of 4 floats");
    }
    for (int i = 0; i < anchors.length; i++) {
      if (!Float.isFinite(anchors[i])) {
        throw new IllegalArgumentException("anchor value " + i + " is not finite");
      }
    }
    this.anchors = anchors.clone();
    this.count = anchors.length / 4;
  }

  /** Number of anchors, i.e. boxes the network scores per image. */
  public int anchorCount() {
    return count;
  }

  /**
   * Decodes box encodings into boxes, as {@code decodeBoxesLayer} does.
   *
   * @param encodings the network's {@code [ty, tx, th, tw]} per anchor
   * @param offset index of the first value of this image in {@code encodings}
   * @return {@code 4 * anchorCount()} floats, {@code [ymin, xmin, ymax, xmax]} per anchor
   * @throws FaceDetectionException when an encoding is NaN or infinite
   */
  public float[] decodeBoxes(float[] encodings, int offset) {
    float[] boxes = new float[4 * count];
    for (int i = 0; i < count; i++) {
      int a = 4 * i;
      int e = offset + a;
      for (int k = 0; k < 4; k++) {
        if (!Float.isFinite(encodings[e + k])) {
          throw new FaceDetectionException(
              "box encoding " + i + " is not finite: " + encodings[e + k]);
        }
      }
      float height = anchors[a + 2] - anchors[a];
      float width = anchors[a + 3] - anchors[a + 1];
      float centerY = anchors[a] + height / 2;
      float centerX = anchors[a + 1] + width / 2;
      float halfH = (float) Math.exp(encodings[e + 2] / 5f) * height / 2;
      float cy = encodings[e] / 10f * height + centerY;
      float halfW = (float) Math.exp(encodings[e + 3] / 5f) * width / 2;
      float cx = encodings[e + 1] / 10f * width + centerX;
      boxes[a] = cy - halfH;
      boxes[a + 1] = cx - halfW;
      boxes[a + 2] = cy + halfH;
      boxes[a + 3] = cx + halfW;
      for (int k = 0; k < 4; k++) {
        // a finite but huge size encoding overflows exp: that is no box either
        if (!Float.isFinite(boxes[a + k])) {
          throw new FaceDetectionException("box " + i + " decodes to a non-finite coordinate");
        }
      }
    }
    return boxes;
  }

  /**
   * Face probabilities from the face-class logits: {@code 1 / (1 + exp(-x))} rounded to float.
   *
   * @throws FaceDetectionException when a logit is NaN or infinite
   */
  public float[] scores(float[] logits, int offset) {
    float[] scores = new float[count];
    for (int i = 0; i < count; i++) {
      float x = logits[offset + i];
      if (!Float.isFinite(x)) {
        throw new FaceDetectionException("face logit " + i + " is not finite: " + x);
      }
      scores[i] = (float) (1 / (1 + Math.exp(-x)));
    }
    return scores;
  }

  /**
   * Decodes one image's outputs into faces in source pixels, best score first.
   *
   * @param encodings box encodings of a batch, {@code 4 * anchorCount()} per image
   * @param logits face logits of a batch, {@code anchorCount()} per image
   * @param index the image's position in the batch
   * @param frame how the image was put into the network input
   * @param options minimum score and maximum number of faces
   * @throws FaceDetectionException when any output of this image is NaN or infinite, or the arrays
   *     are too short for {@code index}
   */
  public List<FaceBox> faces(
      float[] encodings, float[] logits, int index, Letterbox frame, FaceDetectorOptions options) {
    if (index < 0
        || encodings.length < (long) (index + 1) * 4 * count
        || logits.length < (long) (index + 1) * count) {
      throw new FaceDetectionException(
          "network outputs hold no image "
              + index
              + " ("
              + encodings.length
              + " encodings, "
              + logits.length
              + " logits for "
              + count
              + " anchors)");
    }
    float[] boxes = decodeBoxes(encodings, index * 4 * count);
    float[] scores = scores(logits, index * count);
    int[] kept =
        NonMaxSuppression.select(
            boxes, scores, options.maxFaces(), IOU_THRESHOLD, options.minScore());
    List<FaceBox> faces = new ArrayList<>(kept.length);
    for (int k : kept) {
      FaceBox face =
          frame.toSource(
              boxes[4 * k], boxes[4 * k + 1], boxes[4 * k + 2], boxes[4 * k + 3], scores[k]);
      if (face != null) {
        faces.add(face);
      }
    }
    return List.copyOf(faces);
  }
}
