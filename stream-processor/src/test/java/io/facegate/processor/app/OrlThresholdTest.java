package io.facegate.processor.app;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.facegate.model.embedding.EuclideanDistance;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.OnnxEmbedder;
import io.facegate.model.onnx.TinyOnnxModel;
import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageFormat;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.processor.core.embedding.Vectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backs the threshold {@link ProcessorIT} uses: with its test model and the shared pre-processing,
 * templates from images 1-5 and probes from images 6-10 of all 40 ORL people, every impostor
 * distance stays above the threshold (with a margin) and some genuine ones fall below it.
 */
class OrlThresholdTest {
  @TempDir Path dir;

  @Test
  void itsThresholdSeparatesEveryOrlImpostorPairAndAdmitsSomeGenuineOnes() throws Exception {
    Path orl = Path.of(System.getProperty("facegate.datasets", "../shared/datasets"), "orl-faces");
    assumeTrue(Files.isDirectory(orl), "ORL faces not found at " + orl);
    Path file =
        TinyOnnxModel.pooling("orl-tiny-1", 46, 56, 1, 2, ProcessorIT.THRESHOLD)
            .centred()
            .write(dir.resolve("model.onnx"));
    try (OnnxEmbedder e = OnnxEmbedder.open(file, DeviceSpec.cpu(), 1)) {
      ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
      Preprocessor pre = new Preprocessor(e.metadata().input());
      int dim = e.metadata().embeddingDim();
      float[][][] emb = new float[40][10][];
      for (int p = 0; p < 40; p++) {
        float[] batch = new float[10 * pre.tensorSize()];
        for (int i = 0; i < 10; i++) {
          byte[] b = Files.readAllBytes(orl.resolve("s" + (p + 1)).resolve((i + 1) + ".pgm"));
          pre.toTensor(decoder.decode(b, ImageFormat.PGM, null, null), batch, i * pre.tensorSize());
        }
        emb[p] = e.embed(batch, 10);
      }
      double minImpostor = Double.MAX_VALUE;
      int genuineIn = 0;
      int genuine = 0;
      for (int q = 0; q < 40; q++) {
        float[] template = Vectors.normalisedMean(Arrays.asList(emb[q]).subList(0, 5), dim);
        for (int p = 0; p < 40; p++) {
          for (int i = 5; i < 10; i++) {
            double d = EuclideanDistance.between(emb[p][i], template);
            if (p == q) {
              genuine++;
              genuineIn += d <= ProcessorIT.THRESHOLD ? 1 : 0;
            } else {
              minImpostor = Math.min(minImpostor, d);
            }
          }
        }
      }
      System.out.printf(
          "ORL, tiny model: nearest impostor pair at %.3f; %d of %d genuine pairs "
              + "within %.2f%n",
          minImpostor, genuineIn, genuine, ProcessorIT.THRESHOLD);
      assertTrue(minImpostor > ProcessorIT.THRESHOLD + 0.03, "impostor at " + minImpostor);
      assertTrue(genuineIn >= genuine / 10, genuineIn + " of " + genuine + " genuine pairs");
    }
  }
}
