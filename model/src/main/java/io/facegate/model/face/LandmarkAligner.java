package io.facegate.model.face;

import io.facegate.model.preprocess.RawImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Aligns images that each show one face filling most of the frame (a crop from a detector, or a
 * dataset's face crop) without a detector: landmarks are located on the whole image, then again on
 * a square box around the landmarks found (the box a detector would have given), so a loose crop
 * converges on the face; the last landmarks give the five points that {@link FaceAligner} maps onto
 * the template. Each round is one batched call to the {@link Landmarker}.
 */
public final class LandmarkAligner implements FaceStage {

  /** Largest side of a re-crop handed to the landmarker, which shrinks it to its input anyway. */
  private static final int MAX_CROP = 448;

  /** Smallest eye distance, in source pixels, that counts as a face. */
  private static final double MIN_EYE_DISTANCE = 4;

  private final Landmarker landmarker;
  private final FaceAligner aligner;
  private final int refinements;
  private final double margin;

  /**
   * @param refinements landmark rounds after the first, each on the box of the previous round
   * @param margin fraction of the landmarks' box added on every side of the re-crop
   */
  public LandmarkAligner(
      Landmarker landmarker, AlignmentTemplate template, int refinements, double margin) {
    if (landmarker == null) {
      throw new IllegalArgumentException("landmarker must not be null");
    }
    if (refinements < 0 || refinements > AlignmentSpec.MAX_REFINEMENTS) {
      throw new IllegalArgumentException("refinements must be in [0, 4], got " + refinements);
    }
    if (!(margin >= 0 && margin <= 1)) {
      throw new IllegalArgumentException("margin must be in [0, 1], got " + margin);
    }
    this.landmarker = landmarker;
    this.aligner = new FaceAligner(template);
    this.refinements = refinements;
    this.margin = margin;
  }

  /** The template faces are aligned to. */
  public AlignmentTemplate template() {
    return aligner.template();
  }

  /**
   * One aligned face.
   *
   * @param image the face warped into the template
   * @param landmarks the 68 landmarks in source pixels
   * @param points the five reference points in source pixels
   */
  public record Aligned(RawImage image, float[] landmarks, double[] points) {}

  /**
   * Aligns each image; an entry is {@code null} where its face could not be aligned (landmarks
   * non-finite, degenerate or far off the image), so one bad image does not fail the batch.
   *
   * @throws RuntimeException when the landmarker itself fails (the whole batch has no answer)
   */
  public List<Aligned> alignAll(List<RawImage> images) {
    int n = images.size();
    // where each image's current crop sits in the source: source = crop * scale + offset
    double[][] frames = new double[n][];
    List<RawImage> crops = new ArrayList<>(images);
    for (int i = 0; i < n; i++) {
      frames[i] = new double[] {1, 0, 0};
    }
    float[][] found = new float[n][];
    boolean[] failed = new boolean[n];
    for (int round = 0; round <= refinements; round++) {
      List<Integer> todo = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (!failed[i]) {
          todo.add(i);
        }
      }
      if (todo.isEmpty()) {
        break;
      }
      List<RawImage> batch = new ArrayList<>(todo.size());
      for (int i : todo) {
        batch.add(crops.get(i));
      }
      float[][] located = landmarker.locate(batch);
      if (located == null || located.length != batch.size()) {
        throw new IllegalStateException(
            "landmarker returned "
                + (located == null ? "nothing" : located.length + " answers")
                + " for "
                + batch.size()
                + " crops");
      }
      for (int j = 0; j < todo.size(); j++) {
        int i = todo.get(j);
        float[] src = toSource(located[j], frames[i]);
        if (src == null || !plausible(src, images.get(i))) {
          failed[i] = true;
          continue;
        }
        found[i] = src;
        if (round < refinements) {
          recrop(images.get(i), src, frames, crops, i);
        }
      }
    }
    List<Aligned> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (failed[i]) {
        out.add(null);
        continue;
      }
      double[] points = FaceLandmarks.fivePointsOf68(found[i]);
      out.add(new Aligned(aligner.align(images.get(i), points), found[i], points));
    }
    return out;
  }

  @Override
  public List<RawImage> prepare(List<RawImage> images) {
    List<RawImage> out = new ArrayList<>(images.size());
    for (Aligned a : alignAll(images)) {
      out.add(a == null ? null : a.image());
    }
    return out;
  }

  /**
   * Aligns one image.
   *
   * @throws FaceAlignmentException when its face cannot be aligned
   */
  public Aligned align(RawImage image) {
    Aligned a = alignAll(List.of(image)).get(0);
    if (a == null) {
      throw new FaceAlignmentException("no plausible face landmarks in " + image);
    }
    return a;
  }

  private static float[] toSource(float[] xy, double[] frame) {
    if (xy == null || xy.length != 2 * FaceLandmarks.POINTS_68) {
      return null;
    }
    float[] out = new float[xy.length];
    for (int k = 0; k < xy.length; k++) {
      if (!Float.isFinite(xy[k])) {
        return null;
      }
      out[k] = (float) (xy[k] * frame[0] + frame[1 + (k & 1)]);
    }
    return out;
  }

  /** Landmarks that a face could have: inside a generous frame around the image, eyes apart. */
  private static boolean plausible(float[] xy, RawImage img) {
    double w = img.width();
    double h = img.height();
    for (int k = 0; k < xy.length; k += 2) {
      if (xy[k] < -w || xy[k] > 2 * w || xy[k + 1] < -h || xy[k + 1] > 2 * h) {
        return false;
      }
    }
    double[] p = FaceLandmarks.fivePointsOf68(xy);
    return Math.hypot(p[2] - p[0], p[3] - p[1]) >= MIN_EYE_DISTANCE;
  }

  private void recrop(RawImage img, float[] xy, double[][] frames, List<RawImage> crops, int i) {
    double minX = Double.POSITIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY;
    double maxY = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < xy.length; k += 2) {
      minX = Math.min(minX, xy[k]);
      maxX = Math.max(maxX, xy[k]);
      minY = Math.min(minY, xy[k + 1]);
      maxY = Math.max(maxY, xy[k + 1]);
    }
    double side = Math.max(maxX - minX, maxY - minY) * (1 + 2 * margin);
    double cx = (minX + maxX) / 2;
    double cy = (minY + maxY) / 2;
    int size = (int) Math.max(8, Math.min(MAX_CROP, Math.round(side)));
    double scale = side / size;
    double left = cx - side / 2;
    double top = cy - side / 2;
    // crop pixel (u, v) shows source (u * scale + left, v * scale + top)
    SimilarityTransform srcToCrop =
        new SimilarityTransform(1 / scale, 0, -left / scale, -top / scale);
    crops.set(i, ImageWarp.warp(img, srcToCrop, size, size));
    frames[i] = new double[] {scale, left, top};
  }
}
