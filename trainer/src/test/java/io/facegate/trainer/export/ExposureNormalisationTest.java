package io.facegate.trainer.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The exposure normalisation in ONNX Runtime against the formula computed here by hand, per face of
 * a batch (a dark face, a bright one, noise, black, white, a face darker in its centre than at its
 * border): the gamma comes from each face's own central mean, a uniform face ends at mean luminance
 * one half, and nothing becomes non-finite.
 */
class ExposureNormalisationTest {

  private static final int S = 10;
  private static final int PLANE = S * S;

  private static float[] run(float[] images, int b) throws Exception {
    OnnxGraphWriter w = new OnnxGraphWriter("exposure-test");
    w.input("input", -1, 3, S, S);
    String out = ExposureNormalisation.apply(w, "input", S);
    w.node(CnnOperator.IDENTITY, "out", java.util.List.of(out), "output", Map.of());
    w.output("output", -1, 3, S, S);
    byte[] model = w.model("test", "test", "exposure only", Map.of()).toByteArray();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
        OnnxTensor in =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(images), new long[] {b, 3, S, S});
        OrtSession.Result result = session.run(Map.of("input", in))) {
      FloatBuffer fb = ((OnnxTensor) result.get("output").orElseThrow()).getFloatBuffer();
      float[] got = new float[fb.remaining()];
      fb.get(got);
      return got;
    }
  }

  /** The documented formula, in doubles. */
  private static double[] expected(float[] images, int k) {
    double[] y = new double[PLANE];
    for (int p = 0; p < PLANE; p++) {
      for (int c = 0; c < 3; c++) {
        y[p] += ExposureNormalisation.LUMA[c] * images[k * 3 * PLANE + c * PLANE + p];
      }
    }
    int start = ExposureNormalisation.centralStart(S);
    double sum = 0;
    int n = 0;
    for (int r = start; r < S - start; r++) {
      for (int col = start; col < S - start; col++) {
        sum += y[r * S + col];
        n++;
      }
    }
    double m = Math.min(Math.max(sum / n, 1.0 / 255), 0.99);
    double g = Math.min(Math.max(Math.log(ExposureNormalisation.TARGET) / Math.log(m), 0.3), 3.0);
    double[] out = new double[3 * PLANE];
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < PLANE; p++) {
        double scale = Math.pow(Math.max(y[p], 1.0 / 255), g - 1);
        out[c * PLANE + p] =
            Math.min(1, Math.max(0, images[k * 3 * PLANE + c * PLANE + p] * scale));
      }
    }
    return out;
  }

  @Test
  void eachFaceGetsTheGammaOfItsOwnCentralMean() throws Exception {
    Random random = new Random(5);
    int b = 6;
    float[] images = new float[b * 3 * PLANE];
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < PLANE; p++) {
        int r = p / S;
        int col = p % S;
        boolean centre = r >= 2 && r < S - 2 && col >= 2 && col < S - 2;
        images[0 * 3 * PLANE + c * PLANE + p] = 0.05f + 0.1f * random.nextFloat(); // dark
        images[1 * 3 * PLANE + c * PLANE + p] = 0.8f + 0.2f * random.nextFloat(); // bright
        images[2 * 3 * PLANE + c * PLANE + p] = random.nextFloat(); // noise
        images[3 * 3 * PLANE + c * PLANE + p] = 0f; // black
        images[4 * 3 * PLANE + c * PLANE + p] = 1f; // white
        images[5 * 3 * PLANE + c * PLANE + p] = centre ? 0.1f : 0.9f; // dark centre, bright border
      }
    }
    float[] got = run(images, b);
    for (int k = 0; k < b; k++) {
      double[] want = expected(images, k);
      for (int i = 0; i < want.length; i++) {
        float v = got[k * 3 * PLANE + i];
        assertTrue(Float.isFinite(v), "face " + k + " value " + i);
        assertEquals(want[i], v, 1e-5, "face " + k + " value " + i);
      }
    }
    // the dark face is brightened, the bright one darkened, black stays black
    assertTrue(got[0] > images[0] * 2, "dark face brightened: " + images[0] + " -> " + got[0]);
    assertTrue(got[3 * PLANE] < images[3 * PLANE], "bright face darkened");
    assertEquals(0f, got[3 * 3 * PLANE], "black stays black");
    // the border does not set the gamma: the dark centre is lifted although the border is bright
    int centrePixel = 5 * 3 * PLANE + 5 * S + 5;
    assertTrue(got[centrePixel] > 0.4, "dark centre lifted to " + got[centrePixel]);
  }

  @Test
  void aUniformFaceEndsAtMeanLuminanceOneHalfWithinTheGammaBounds() throws Exception {
    for (float level : new float[] {0.15f, 0.3f, 0.7f, 0.75f}) {
      float[] image = new float[3 * PLANE];
      java.util.Arrays.fill(image, level);
      float[] got = run(image, 1);
      assertEquals(0.5, got[0], 1e-4, "grey " + level);
    }
    // outside them the gamma stops at its bound: 0.9 would need 6.6, it gets 3
    float[] light = new float[3 * PLANE];
    java.util.Arrays.fill(light, 0.9f);
    assertEquals(Math.pow(0.9, ExposureNormalisation.MAX_GAMMA), run(light, 1)[0], 1e-4);
    float[] dark = new float[3 * PLANE];
    java.util.Arrays.fill(dark, 0.05f);
    assertEquals(Math.pow(0.05, ExposureNormalisation.MIN_GAMMA), run(dark, 1)[0], 1e-4);
  }

  @Test
  void aNaNFaceStaysNaNAndDoesNotSpillIntoItsNeighbour() throws Exception {
    float[] images = new float[2 * 3 * PLANE];
    java.util.Arrays.fill(images, 0.3f);
    images[7] = Float.NaN;
    float[] got = run(images, 2);
    assertTrue(Float.isNaN(got[7]), "the NaN pixel stays NaN: " + got[7]);
    for (int i = 3 * PLANE; i < got.length; i++) {
      assertEquals(0.5, got[i], 1e-4, "the other face is untouched by the NaN: value " + i);
    }
  }
}
