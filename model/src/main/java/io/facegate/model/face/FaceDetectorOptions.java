package io.facegate.model.face;

/**
 * What counts as a face and how many are kept.
 *
 * @param minScore a box is kept only when its face probability is strictly above this, in (0, 1) as
 *     face-api requires ({@code SsdMobilenetv1Options.minConfidence})
 * @param maxFaces at most this many faces per image, 1 to {@value #MAX_FACES_LIMIT} ({@code
 *     maxResults})
 */
public record FaceDetectorOptions(double minScore, int maxFaces) {

  /** face-api's default minimum confidence. */
  public static final double DEFAULT_MIN_SCORE = 0.5;

  /** face-api's default maximum number of results. */
  public static final int DEFAULT_MAX_FACES = 100;

  /** Upper bound of {@code maxFaces}: keeps the suppression loop bounded. */
  public static final int MAX_FACES_LIMIT = 1000;

  /** Validates both settings; the message names the one that is wrong. */
  public FaceDetectorOptions {
    if (!(minScore > 0 && minScore < 1)) {
      throw new IllegalArgumentException("minScore must be in (0, 1), got " + minScore);
    }
    if (maxFaces < 1 || maxFaces > MAX_FACES_LIMIT) {
      throw new IllegalArgumentException(
          "maxFaces must be in [1, " + MAX_FACES_LIMIT + "], got " + maxFaces);
    }
  }

  /** face-api's defaults: minimum score 0.5, at most 100 faces. */
  public static FaceDetectorOptions defaults() {
    return new FaceDetectorOptions(DEFAULT_MIN_SCORE, DEFAULT_MAX_FACES);
  }
}
