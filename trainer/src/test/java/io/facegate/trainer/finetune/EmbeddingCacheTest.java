package io.facegate.trainer.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.face.FaceStage;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.Embedder;
import io.facegate.model.preprocess.ImageFormat;
import io.facegate.model.preprocess.PreprocessSpec;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.trainer.data.FaceImageRef;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache keeps what a backbone can compare and counts the rest per reason: unreadable files, and
 * images whose descriptor is empty (a black frame gives faceres an all-zero vector, which would sit
 * at distance 0 from every other black frame); a non-finite descriptor stops everything.
 */
class EmbeddingCacheTest {

  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  private static final int SIZE = 32;

  @TempDir Path dir;

  /** An embedder whose 2-d output is the mean brightness and a constant; black gives zeros. */
  private static Embedder brightness(float constantForBlack) {
    ModelMetadata meta =
        new ModelMetadata(
            "test",
            new PreprocessSpec(SIZE, SIZE, 1, new float[1], new float[] {1f}),
            2,
            ModelMetadata.EUCLIDEAN,
            1f,
            "test",
            Map.of());
    return new Embedder() {
      @Override
      public ModelMetadata metadata() {
        return meta;
      }

      @Override
      public float[][] embed(float[] chw, int batch) {
        float[][] out = new float[batch][2];
        int per = SIZE * SIZE;
        for (int b = 0; b < batch; b++) {
          double sum = 0;
          for (int i = 0; i < per; i++) {
            sum += chw[b * per + i];
          }
          out[b][0] = (float) (sum / per);
          out[b][1] = sum == 0 ? constantForBlack : 0.5f;
        }
        return out;
      }
    };
  }

  private FaceImageRef pgm(String name, int grey) throws Exception {
    byte[] header = ("P5\n" + SIZE + " " + SIZE + "\n255\n").getBytes();
    byte[] body = new byte[SIZE * SIZE];
    java.util.Arrays.fill(body, (byte) grey);
    Path file = dir.resolve(name + ".pgm");
    Files.write(file, concat(header, body));
    return new FaceImageRef(file, "syn", "syn/" + name, ImageFormat.PGM);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private EmbeddingCache build(List<FaceImageRef> images, Embedder embedder) {
    return EmbeddingCache.build(
        images,
        new HashSet<>(images),
        FaceStage.WHOLE_IMAGE,
        new Preprocessor(embedder.metadata().input()),
        embedder,
        QUIET);
  }

  @Test
  void emptyEmbeddingsAndUnreadableFilesAreLeftOutAndCounted() throws Exception {
    List<FaceImageRef> images = new ArrayList<>();
    images.add(pgm("bright", 200));
    images.add(pgm("black1", 0));
    images.add(pgm("dim", 40));
    images.add(pgm("black2", 0));
    Path broken = dir.resolve("broken.pgm");
    Files.write(broken, new byte[] {'P', '5', '\n', '9'});
    images.add(new FaceImageRef(broken, "syn", "syn/broken", ImageFormat.PGM));

    EmbeddingCache cache = build(images, brightness(0f));

    assertEquals(2, cache.size());
    assertTrue(cache.has(images.get(0)) && cache.has(images.get(2)));
    assertFalse(cache.has(images.get(1)) || cache.has(images.get(3)), "black frames left out");
    assertEquals(
        Map.of(EmbeddingCache.EMPTY_EMBEDDING, 2, EmbeddingCache.UNREADABLE, 1), cache.skipped());
    assertThrows(IllegalArgumentException.class, () -> cache.get(images.get(1)));
  }

  @Test
  void aNonFiniteEmbeddingStopsTheBuildNamingTheFile() throws Exception {
    List<FaceImageRef> images = List.of(pgm("ok", 90), pgm("black", 0));
    EmbeddingCache.NonFiniteEmbeddingException e =
        assertThrows(
            EmbeddingCache.NonFiniteEmbeddingException.class,
            () -> build(images, brightness(Float.NaN)));
    assertTrue(e.getMessage().contains("black.pgm"), e.getMessage());
  }
}
