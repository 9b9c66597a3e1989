package io.facegate.trainer.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The mirror average around a network that can tell an image from its mirror (a dense layer): each
 * face of a batch is paired with its own mirror, not a neighbour's, and the embedding is
 * L2(L2(f(x)) + L2(f(mirror x))), computed here by hand.
 */
class MirrorAverageTest {

  private static final int H = 2;
  private static final int W = 3;
  private static final int DIM = 4;

  @Test
  void eachFaceIsAveragedWithItsOwnMirrorImage() throws Exception {
    Random random = new Random(3);
    float[] m = new float[H * W * DIM];
    for (int i = 0; i < m.length; i++) {
      m[i] = (float) random.nextGaussian();
    }
    OnnxGraphWriter w = new OnnxGraphWriter("mirror-test");
    w.input("input", -1, 1, H, W);
    String batch = MirrorAverage.withMirrors(w, "input", W);
    String flat = w.node(CnnOperator.FLATTEN, "flat", List.of(batch), "flat", Map.of("axis", 1L));
    String weights = w.floats("dense", m, H * W, DIM);
    String desc = w.node(CnnOperator.MATMUL, "dense_mm", List.of(flat, weights), "desc", Map.of());
    MirrorAverage.average(w, desc, DIM, "embedding");
    w.output("embedding", -1, DIM);
    byte[] model = w.model("test", "test", "dense layer, mirror-averaged", Map.of()).toByteArray();

    int b = 3;
    float[] images = new float[b * H * W];
    for (int i = 0; i < images.length; i++) {
      images[i] = random.nextFloat();
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[][] got = new float[b][DIM];
    try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
        OnnxTensor in =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(images), new long[] {b, 1, H, W});
        OrtSession.Result out = session.run(Map.of("input", in))) {
      FloatBuffer fb = ((OnnxTensor) out.get("embedding").orElseThrow()).getFloatBuffer();
      for (float[] row : got) {
        fb.get(row);
      }
    }
    for (int k = 0; k < b; k++) {
      float[] x = new float[H * W];
      float[] mirror = new float[H * W];
      for (int y = 0; y < H; y++) {
        for (int c = 0; c < W; c++) {
          x[y * W + c] = images[k * H * W + y * W + c];
          mirror[y * W + (W - 1 - c)] = x[y * W + c];
        }
      }
      double[] u = unit(dense(x, m));
      double[] v = unit(dense(mirror, m));
      double[] sum = new double[DIM];
      for (int o = 0; o < DIM; o++) {
        sum[o] = u[o] + v[o];
      }
      double[] expected = unit(sum);
      double[] plain = u;
      double apart = 0;
      for (int o = 0; o < DIM; o++) {
        assertEquals(expected[o], got[k][o], 1e-5, "image " + k + ", component " + o);
        apart = Math.max(apart, Math.abs(plain[o] - expected[o]));
      }
      // the dense layer does tell the mirror apart, so the average is a different vector
      assertEquals(true, apart > 1e-3, "image " + k + ": the mirror changed nothing");
    }
  }

  private static double[] dense(float[] x, float[] m) {
    double[] out = new double[DIM];
    for (int i = 0; i < x.length; i++) {
      for (int o = 0; o < DIM; o++) {
        out[o] += x[i] * m[i * DIM + o];
      }
    }
    return out;
  }

  private static double[] unit(double[] v) {
    double n = 0;
    for (double x : v) {
      n += x * x;
    }
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] / Math.sqrt(n);
    }
    return out;
  }
}
