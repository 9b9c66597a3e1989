package io.facegate.processor.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.embedding.EuclideanDistance;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.OnnxEmbedder;
import io.facegate.model.onnx.TinyOnnxModel;
import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageFormat;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.processor.core.embedding.Vectors;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backs what {@link ProcessorIT} and {@link ExactlyOnceIT} assume of {@link SyntheticFaces}: with
 * their model, the shared pre-processing and templates from images 1-5, every probe (images 6-10)
 * of an enrolled person is within the threshold and every other person's is far outside it.
 */
class SyntheticFacesTest {
  private static final int PEOPLE = 40;

  @TempDir Path dir;

  @Test
  void sameBytesForTheSameFace() {
    assertArrayEquals(SyntheticFaces.pgm(3, 7), SyntheticFaces.pgm(3, 7));
    assertFalse(Arrays.equals(SyntheticFaces.pgm(3, 7), SyntheticFaces.pgm(3, 8)));
  }

  @Test
  void theItThresholdAdmitsEveryGenuineProbeAndNoImpostorWithAWideMargin() throws Exception {
    Path file =
        TinyOnnxModel.pooling("synthetic-tiny", 46, 56, 1, 2, ProcessorIT.THRESHOLD)
            .centred()
            .write(dir.resolve("model.onnx"));
    try (OnnxEmbedder e = OnnxEmbedder.open(file, DeviceSpec.cpu(), 1)) {
      ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
      Preprocessor pre = new Preprocessor(e.metadata().input());
      int dim = e.metadata().embeddingDim();
      float[][][] emb = new float[PEOPLE][][];
      for (int p = 0; p < PEOPLE; p++) {
        float[] batch = new float[10 * pre.tensorSize()];
        for (int i = 0; i < 10; i++) {
          pre.toTensor(
              decoder.decode(SyntheticFaces.pgm(p + 1, i + 1), ImageFormat.PGM, null, null),
              batch,
              i * pre.tensorSize());
        }
        emb[p] = e.embed(batch, 10);
      }
      double minImpostor = Double.MAX_VALUE;
      double maxGenuine = 0;
      for (int q = 0; q < PEOPLE; q++) {
        float[] template = Vectors.normalisedMean(Arrays.asList(emb[q]).subList(0, 5), dim);
        for (int p = 0; p < PEOPLE; p++) {
          for (int i = 5; i < 10; i++) {
            double d = EuclideanDistance.between(emb[p][i], template);
            if (p == q) {
              maxGenuine = Math.max(maxGenuine, d);
            } else {
              minImpostor = Math.min(minImpostor, d);
            }
          }
        }
      }
      System.out.printf(
          "synthetic faces, tiny model: farthest genuine probe at %.3f, nearest "
              + "impostor at %.3f, threshold %.2f%n",
          maxGenuine, minImpostor, ProcessorIT.THRESHOLD);
      assertTrue(maxGenuine < ProcessorIT.THRESHOLD - 0.1, "genuine probe at " + maxGenuine);
      assertTrue(minImpostor > ProcessorIT.THRESHOLD + 0.1, "impostor at " + minImpostor);
    }
  }
}
