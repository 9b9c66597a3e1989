package io.facegate.model.face;

import io.facegate.model.preprocess.RawImage;

/**
 * Warps a face into the {@link AlignmentTemplate} a descriptor expects: the similarity transform
 * that maps the face's five reference points onto the template's is estimated by least squares, and
 * the aligned image is resampled from the source through its inverse ({@link ImageWarp}: border
 * repeated, anti-aliased when shrinking). Deterministic, thread-safe, work bounded by the output
 * size.
 */
public final class FaceAligner {

  private final AlignmentTemplate template;

  /** An aligner for one template. */
  public FaceAligner(AlignmentTemplate template) {
    if (template == null) {
      throw new IllegalArgumentException("template must not be null");
    }
    this.template = template;
  }

  /** The template faces are aligned to. */
  public AlignmentTemplate template() {
    return template;
  }

  /**
   * The transform from source pixel coordinates to aligned coordinates for a face whose five
   * reference points (interleaved, template order) are {@code points}.
   */
  public SimilarityTransform transformFor(double[] points) {
    return SimilarityTransform.estimate(points, template.points());
  }

  /** Aligns the face whose five reference points in {@code src} are {@code points}. */
  public RawImage align(RawImage src, double[] points) {
    return warp(src, transformFor(points));
  }

  /** Resamples {@code src} through {@code srcToAligned} into the template's size. */
  public RawImage warp(RawImage src, SimilarityTransform srcToAligned) {
    return ImageWarp.warp(src, srcToAligned, template.width(), template.height());
  }
}
