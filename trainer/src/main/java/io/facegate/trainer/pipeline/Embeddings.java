package io.facegate.trainer.pipeline;

import io.facegate.trainer.data.FaceImageRef;
import io.facegate.trainer.data.ImageStore;
import io.facegate.trainer.evaluation.BatchEmbedder;
import java.util.List;

/** Embeds image lists in chunks with any {@link BatchEmbedder}. */
public final class Embeddings {

  private static final int CHUNK = 64;

  private Embeddings() {}

  /** One embedding per image, in order, embedded {@value #CHUNK} at a time. */
  public static float[][] of(List<FaceImageRef> images, ImageStore store, BatchEmbedder embedder) {
    float[][] out = new float[images.size()][];
    for (int start = 0; start < images.size(); start += CHUNK) {
      List<FaceImageRef> part = images.subList(start, Math.min(images.size(), start + CHUNK));
      float[][] rows;
      try {
        rows = embedder.embed(store.batch(part, null, null), part.size());
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("embedding failed: " + e.getMessage(), e);
      }
      System.arraycopy(rows, 0, out, start, rows.length);
    }
    return out;
  }

  static double maxAbsDiff(float[][] a, float[][] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      for (int k = 0; k < a[i].length; k++) {
        max = Math.max(max, Math.abs(a[i][k] - b[i][k]));
      }
    }
    return max;
  }
}
