package io.facegate.model.face;

import java.util.ArrayList;
import java.util.List;

/**
 * Greedy non-maximum suppression exactly as face-api's SSD uses it ({@code
 * ssdMobilenetv1/nonMaxSuppression.ts}): candidates strictly above the score threshold, best score
 * first (ties in index order), each kept unless its IoU with an already kept box exceeds the IoU
 * threshold. Boxes are {@code [ymin, xmin, ymax, xmax]}, corners in any order. Pure and bounded: at
 * most {@code n} candidates, each compared with at most {@code maxResults} kept boxes.
 */
public final class NonMaxSuppression {

  private NonMaxSuppression() {}

  /**
   * Selects boxes.
   *
   * @param boxes {@code 4 * n} floats, four per box
   * @param scores {@code n} scores; every one must be finite
   * @param maxResults at most this many boxes are returned, &gt;= 1
   * @param iouThreshold a candidate whose IoU with a kept box is above this is dropped
   * @param scoreThreshold only scores strictly above this are candidates
   * @return indices of the kept boxes, best score first
   * @throws IllegalArgumentException on a non-finite score or coordinate, or mismatched sizes
   */
  public static int[] select(
      float[] boxes, float[] scores, int maxResults, double iouThreshold, double scoreThreshold) {
    int n = scores.length;
    if (boxes.length != 4 * n) {
      throw new IllegalArgumentException(boxes.length + " box coordinates for " + n + " scores");
    }
    if (maxResults < 1) {
      throw new IllegalArgumentException("maxResults must be >= 1, got " + maxResults);
    }
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float s = scores[i];
      if (!Float.isFinite(s)) {
        throw new IllegalArgumentException("score " + i + " is not finite: " + s);
      }
      if (s > scoreThreshold) {
        for (int k = 0; k < 4; k++) {
          if (!Float.isFinite(boxes[4 * i + k])) {
            throw new IllegalArgumentException("box " + i + " is not finite");
          }
        }
        candidates.add(i);
      }
    }
    // List.sort is stable, like the JS Array.sort face-api relies on for ties
    candidates.sort((a, b) -> Float.compare(scores[b], scores[a]));
    int outputSize = Math.min(maxResults, n);
    int[] selected = new int[outputSize];
    int kept = 0;
    for (int c : candidates) {
      if (kept >= outputSize) {
        break;
      }
      boolean suppressed = false;
      for (int j = kept - 1; j >= 0; j--) {
        if (iou(boxes, c, selected[j]) > iouThreshold) {
          suppressed = true;
          break;
        }
      }
      if (!suppressed) {
        selected[kept++] = c;
      }
    }
    int[] out = new int[kept];
    System.arraycopy(selected, 0, out, 0, kept);
    return out;
  }

  /** IoU of boxes {@code i} and {@code j}; 0 when either is empty. Computed in double, as JS. */
  static double iou(float[] boxes, int i, int j) {
    double yminI = Math.min(boxes[4 * i], boxes[4 * i + 2]);
    double xminI = Math.min(boxes[4 * i + 1], boxes[4 * i + 3]);
    double ymaxI = Math.max(boxes[4 * i], boxes[4 * i + 2]);
    double xmaxI = Math.max(boxes[4 * i + 1], boxes[4 * i + 3]);
    double yminJ = Math.min(boxes[4 * j], boxes[4 * j + 2]);
    double xminJ = Math.min(boxes[4 * j + 1], boxes[4 * j + 3]);
    double ymaxJ = Math.max(boxes[4 * j], boxes[4 * j + 2]);
    double xmaxJ = Math.max(boxes[4 * j + 1], boxes[4 * j + 3]);
    double areaI = (ymaxI - yminI) * (xmaxI - xminI);
    double areaJ = (ymaxJ - yminJ) * (xmaxJ - xminJ);
    if (areaI <= 0 || areaJ <= 0) {
      return 0;
    }
    double inter =
        Math.max(Math.min(ymaxI, ymaxJ) - Math.max(yminI, yminJ), 0)
            * Math.max(Math.min(xmaxI, xmaxJ) - Math.max(xminI, xminJ), 0);
    return inter / (areaI + areaJ - inter);
  }
}
