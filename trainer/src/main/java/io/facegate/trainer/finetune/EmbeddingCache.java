package io.facegate.trainer.finetune;

import io.facegate.model.face.FaceStage;
import io.facegate.model.onnx.Embedder;
import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.ImageRejectedException;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.model.preprocess.RawImage;
import io.facegate.trainer.data.FaceImageRef;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Backbone embeddings of every image, computed once: decode (the processor's decoder), the model's
 * face stage (alignment or whole image), the shared pre-processor, the embedder. A frozen backbone
 * gives the same vector every epoch, so the head trains on these instead of images. Images that
 * cannot be used are left out and counted per reason; a non-finite embedding stops everything (it
 * would poison training and calibration without a trace).
 */
public final class EmbeddingCache {

  /** Skip reason: the file could not be read or decoded. */
  public static final String UNREADABLE = "unreadable image";

  /** Skip reason: the face stage found no face. */
  public static final String NO_FACE = "no face found";

  /**
   * Skip reason: the network's descriptor is all zeros (faceres on an almost black image), which
   * has no direction to compare; the processor denies such an image too.
   */
  public static final String EMPTY_EMBEDDING = "empty embedding (zero norm)";

  /** Below this L2 norm an embedding is empty. */
  private static final double EMPTY_NORM = 1e-6;

  private static final int CHUNK = 32;
  private static final int PROGRESS_EVERY = 512;

  private final Map<FaceImageRef, float[]> plain;
  private final Map<FaceImageRef, float[]> flipped;
  private final Map<String, Integer> skipped;
  private final int dim;

  private EmbeddingCache(
      Map<FaceImageRef, float[]> plain,
      Map<FaceImageRef, float[]> flipped,
      Map<String, Integer> skipped,
      int dim) {
    this.plain = plain;
    this.flipped = flipped;
    this.skipped = skipped;
    this.dim = dim;
  }

  /**
   * Embeds {@code images}; those in {@code flip} are also embedded mirrored left to right (after
   * the face stage, so the aligned face is mirrored, not the search for it).
   *
   * @throws NonFiniteEmbeddingException naming the first image whose embedding is not finite
   */
  public static EmbeddingCache build(
      List<FaceImageRef> images,
      Set<FaceImageRef> flip,
      FaceStage stage,
      Preprocessor preprocessor,
      Embedder embedder,
      PrintStream progress) {
    ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
    Map<FaceImageRef, float[]> plain = new HashMap<>();
    Map<FaceImageRef, float[]> flipped = new HashMap<>();
    Map<String, Integer> skipped = new TreeMap<>();
    int size = preprocessor.tensorSize();
    long start = System.nanoTime();
    int nextReport = PROGRESS_EVERY;
    for (int from = 0; from < images.size(); from += CHUNK) {
      List<FaceImageRef> part = images.subList(from, Math.min(images.size(), from + CHUNK));
      List<FaceImageRef> decodedRefs = new ArrayList<>();
      List<RawImage> decoded = new ArrayList<>();
      for (FaceImageRef ref : part) {
        try {
          decoded.add(decoder.decode(Files.readAllBytes(ref.path()), ref.format(), null, null));
          decodedRefs.add(ref);
        } catch (IOException | ImageRejectedException e) {
          skipped.merge(UNREADABLE, 1, Integer::sum);
        }
      }
      if (decoded.isEmpty()) {
        continue;
      }
      List<RawImage> faces = stage.prepare(decoded);
      List<FaceImageRef> rowRefs = new ArrayList<>();
      List<Boolean> rowFlipped = new ArrayList<>();
      List<RawImage> rows = new ArrayList<>();
      for (int i = 0; i < decodedRefs.size(); i++) {
        RawImage face = faces.get(i);
        if (face == null) {
          skipped.merge(NO_FACE, 1, Integer::sum);
          continue;
        }
        rowRefs.add(decodedRefs.get(i));
        rowFlipped.add(false);
        rows.add(face);
        if (flip.contains(decodedRefs.get(i))) {
          rowRefs.add(decodedRefs.get(i));
          rowFlipped.add(true);
          rows.add(mirror(face));
        }
      }
      if (rows.isEmpty()) {
        continue;
      }
      float[] batch = new float[rows.size() * size];
      for (int i = 0; i < rows.size(); i++) {
        preprocessor.toTensor(rows.get(i), batch, i * size);
      }
      float[][] out = embedder.embed(batch, rows.size());
      for (int i = 0; i < out.length; i++) {
        requireFinite(out[i], rowRefs.get(i), rowFlipped.get(i));
        if (!(norm(out[i]) > EMPTY_NORM)) {
          if (!rowFlipped.get(i)) {
            skipped.merge(EMPTY_EMBEDDING, 1, Integer::sum);
          }
          continue;
        }
        (rowFlipped.get(i) ? flipped : plain).put(rowRefs.get(i), out[i]);
      }
      int done = from + part.size();
      if (done >= nextReport || done == images.size()) {
        double s = (System.nanoTime() - start) / 1e9;
        progress.printf(
            "backbone: %d/%d images embedded (%.1f images/s)%n", done, images.size(), done / s);
        nextReport = done + PROGRESS_EVERY;
      }
    }
    // a mirrored copy whose original was empty is left out with it
    flipped.keySet().retainAll(plain.keySet());
    return new EmbeddingCache(
        Collections.unmodifiableMap(plain),
        Collections.unmodifiableMap(flipped),
        Collections.unmodifiableMap(skipped),
        embedder.metadata().embeddingDim());
  }

  /** A cache over embeddings computed elsewhere (no mirrored copies, nothing skipped). */
  static EmbeddingCache of(Map<FaceImageRef, float[]> plain, int dim) {
    return new EmbeddingCache(Map.copyOf(plain), Map.of(), Map.of(), dim);
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  private static void requireFinite(float[] v, FaceImageRef ref, boolean mirrored) {
    for (float x : v) {
      if (!Float.isFinite(x)) {
        throw new NonFiniteEmbeddingException(
            "backbone returned a non-finite embedding ("
                + x
                + ") for "
                + ref.path()
                + (mirrored ? " (mirrored)" : "")
                + "; refusing to train or calibrate on it");
      }
    }
  }

  /** The image mirrored left to right. */
  static RawImage mirror(RawImage img) {
    int w = img.width();
    int c = img.channels();
    byte[] src = img.pixels();
    byte[] dst = new byte[src.length];
    for (int y = 0; y < img.height(); y++) {
      int row = y * w * c;
      for (int x = 0; x < w; x++) {
        System.arraycopy(src, row + x * c, dst, row + (w - 1 - x) * c, c);
      }
    }
    return new RawImage(w, img.height(), c, dst);
  }

  /** The embedding length. */
  public int dim() {
    return dim;
  }

  /** Whether the image was embedded (not skipped). */
  public boolean has(FaceImageRef ref) {
    return plain.containsKey(ref);
  }

  /** The image's embedding. */
  public float[] get(FaceImageRef ref) {
    float[] v = plain.get(ref);
    if (v == null) {
      throw new IllegalArgumentException("not embedded: " + ref.path());
    }
    return v;
  }

  /** The mirrored image's embedding, or the plain one when no mirrored copy was embedded. */
  public float[] getMirrored(FaceImageRef ref) {
    float[] v = flipped.get(ref);
    return v != null ? v : get(ref);
  }

  /** Rows for the images, in order. */
  public float[][] rows(List<FaceImageRef> refs) {
    float[][] out = new float[refs.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = get(refs.get(i));
    }
    return out;
  }

  /** Images left out, per reason (sorted by reason). */
  public Map<String, Integer> skipped() {
    return skipped;
  }

  /** Images embedded (without their mirrored copies). */
  public int size() {
    return plain.size();
  }

  /** Thrown when the backbone's output holds NaN or infinity. */
  public static final class NonFiniteEmbeddingException extends IllegalStateException {
    NonFiniteEmbeddingException(String message) {
      super(message);
    }
  }
}
