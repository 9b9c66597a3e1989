package io.facegate.trainer.pretrained;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facegate.trainer.export.CnnOperator;
import io.facegate.trainer.export.OnnxGraphWriter;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small TF.js graph models written by {@link TfjsGraphFixture}, converted, run in ONNX Runtime and
 * compared with the same network computed by naive NHWC loops in this test, so the importer is
 * checked without any downloaded weights.
 */
class TfGraphImporterTest {

  private static final float TOLERANCE = 1e-5f;

  @TempDir Path dir;

  private static float[] random(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian() * 0.5f;
    }
    return v;
  }

  /** Runs the converted graph on one NHWC input. */
  private static float[] runOnnx(
      TfGraphImporter importer,
      String placeholder,
      String output,
      float[] input,
      long[] inputShape,
      long[] expectedShape)
      throws Exception {
    OnnxGraphWriter w = new OnnxGraphWriter("test");
    w.input("x", inputShape);
    Map<String, TfGraphImporter.Tensor> out =
        importer.convert(w, Map.of(placeholder, "x"), List.of(output));
    TfGraphImporter.Tensor t = out.get(output);
    long[] declared = t.shape();
    assertArrayEquals(expectedShape, declared, "inferred shape");
    w.node(CnnOperator.IDENTITY, "out", List.of(t.name()), "y", Map.of());
    w.output("y", declared);
    byte[] model = w.model("test", "0", "test", Map.of()).toByteArray();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    long[] concrete = inputShape.clone();
    concrete[0] = 1;
    try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions());
        OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), concrete);
        OrtSession.Result r = s.run(Map.of("x", x))) {
      FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
      float[] y = new float[fb.remaining()];
      fb.get(y);
      return y;
    }
  }

  // ---- naive NHWC reference, batch 1

  /** TF SAME: out = ceil(in / stride), the odd pixel of padding goes after. */
  private static int padBefore(int in, int k, int stride) {
    int out = (in + stride - 1) / stride;
    return Math.max((out - 1) * stride + k - in, 0) / 2;
  }

  private static float[] conv(
      float[] x, int h, int w, int cin, float[] f, int k, int cout, int stride) {
    int oh = (h + stride - 1) / stride;
    int ow = (w + stride - 1) / stride;
    int pt = padBefore(h, k, stride);
    int pl = padBefore(w, k, stride);
    float[] y = new float[oh * ow * cout];
    for (int i = 0; i < oh; i++) {
      for (int j = 0; j < ow; j++) {
        for (int o = 0; o < cout; o++) {
          double s = 0;
          for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
              int yy = i * stride + a - pt;
              int xx = j * stride + b - pl;
              if (yy < 0 || yy >= h || xx < 0 || xx >= w) {
                continue;
              }
              for (int c = 0; c < cin; c++) {
                s += x[(yy * w + xx) * cin + c] * f[((a * k + b) * cin + c) * cout + o];
              }
            }
          }
          y[(i * ow + j) * cout + o] = (float) s;
        }
      }
    }
    return y;
  }

  private static float[] depthwise(float[] x, int h, int w, int cin, float[] f, int k, int mult) {
    float[] y = new float[h * w * cin * mult];
    int p = padBefore(h, k, 1);
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < w; j++) {
        for (int c = 0; c < cin; c++) {
          for (int m = 0; m < mult; m++) {
            double s = 0;
            for (int a = 0; a < k; a++) {
              for (int b = 0; b < k; b++) {
                int yy = i + a - p;
                int xx = j + b - p;
                if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                  s += x[(yy * w + xx) * cin + c] * f[((a * k + b) * cin + c) * mult + m];
                }
              }
            }
            y[(i * w + j) * cin * mult + c * mult + m] = (float) s;
          }
        }
      }
    }
    return y;
  }

  @Test
  void convDepthwiseRelu6MeanAndMatMulMatchNaiveLoops() throws Exception {
    Random r = new Random(42);
    int h = 7;
    int w = 6;
    float[] convW = random(r, 3 * 3 * 2 * 3);
    float[] convB = random(r, 3);
    float[] dwW = random(r, 3 * 3 * 3 * 2);
    float[] mmW = random(r, 6 * 4);
    float[] mmB = random(r, 4);
    TfjsGraphFixture g =
        new TfjsGraphFixture()
            .floats("conv/w", convW, 3, 3, 2, 3)
            .floats("conv/b", convB, 3)
            .floats("dw/w", dwW, 3, 3, 3, 2)
            .floats("six", new float[] {6f})
            .floats("zero", new float[] {0f})
            .ints("mean/axes", new int[] {1, 2}, 2)
            .floats("fc/w", mmW, 6, 4)
            .floats("fc/b", mmB, 4)
            .placeholder("input_1", -1, h, w, 2);
    ObjectNode conv = g.node("conv", "_FusedConv2D", "input_1", "conv/w", "conv/b");
    TfjsGraphFixture.convAttrs(conv, 2, "SAME");
    TfjsGraphFixture.strings(conv, "fused_ops", "BiasAdd", "Relu6");
    conv.with("attr").with("num_args").put("i", "1");
    ObjectNode dw = g.node("dw", "DepthwiseConv2dNative", "conv", "dw/w");
    TfjsGraphFixture.convAttrs(dw, 1, "SAME");
    g.node("relu", "Relu", "dw");
    // the clip_by_value pair faceres uses for ReLU6
    g.node("clip/min", "Minimum", "relu", "six");
    g.node("clip", "Maximum", "clip/min", "zero");
    ObjectNode mean = g.node("mean", "Mean", "clip", "mean/axes");
    TfjsGraphFixture.bool(mean, "keep_dims", false);
    ObjectNode fc = g.node("fc", "_FusedMatMul", "mean", "fc/w", "fc/b");
    TfjsGraphFixture.strings(fc, "fused_ops", "BiasAdd");
    fc.with("attr").with("num_args").put("i", "1");
    TfjsGraphFixture.bool(fc, "transpose_a", false);
    TfjsGraphFixture.bool(fc, "transpose_b", false);
    g.node("unused", "Erf", "fc");
    TfGraphImporter importer = TfGraphImporter.read(g.write(dir));

    float[] x = random(r, h * w * 2);
    float[] onnx =
        runOnnx(importer, "input_1", "fc", x, new long[] {-1, h, w, 2}, new long[] {-1, 4});

    float[] a = conv(x, h, w, 2, convW, 3, 3, 2);
    int oh = 4;
    int ow = 3;
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.min(Math.max(a[i] + convB[i % 3], 0f), 6f);
    }
    float[] b = depthwise(a, oh, ow, 3, dwW, 3, 2);
    float[] pooled = new float[6];
    for (int i = 0; i < b.length; i++) {
      pooled[i % 6] += Math.min(Math.max(b[i], 0f), 6f) / (oh * ow);
    }
    float[] expected = new float[4];
    for (int o = 0; o < 4; o++) {
      double s = mmB[o];
      for (int i = 0; i < 6; i++) {
        s += pooled[i] * mmW[i * 4 + o];
      }
      expected[o] = (float) s;
    }
    assertArrayEquals(expected, onnx, TOLERANCE);
  }

  @Test
  void padMaxPoolReshapeAndNormalisationOpsMatchNaiveLoops() throws Exception {
    Random r = new Random(7);
    int h = 5;
    int w = 5;
    int c = 2;
    TfjsGraphFixture g =
        new TfjsGraphFixture()
            .ints("pad/p", new int[] {0, 0, 1, 0, 0, 1, 0, 0}, 4, 2)
            .ints("flat/shape", new int[] {-1, 18}, 2)
            .ints("sum/axes", new int[] {-1}, 1)
            .floats("eps", new float[] {1e-10f})
            .floats("half", new float[] {0.5f})
            .placeholder("img", -1, h, w, c);
    g.node("pad", "Pad", "img", "pad/p");
    ObjectNode pool = g.node("pool", "MaxPool", "pad");
    TfjsGraphFixture.ints(pool, "ksize", 1, 2, 2, 1);
    TfjsGraphFixture.ints(pool, "strides", 1, 2, 2, 1);
    TfjsGraphFixture.string(pool, "padding", "SAME");
    TfjsGraphFixture.string(pool, "data_format", "NHWC");
    g.node("flat", "Reshape", "pool", "flat/shape");
    g.node("abs", "Abs", "flat");
    g.node("sub", "Sub", "flat", "abs");
    g.node("scaled", "Mul", "sub", "half");
    g.node("mixed", "AddV2", "flat", "scaled");
    g.node("sq", "Square", "mixed");
    ObjectNode sum = g.node("sum", "Sum", "sq", "sum/axes");
    TfjsGraphFixture.bool(sum, "keep_dims", true);
    g.node("max", "Maximum", "sum", "eps");
    g.node("rsqrt", "Rsqrt", "max");
    g.node("norm", "Mul", "mixed", "rsqrt");
    g.node("soft", "Softmax", "norm");
    TfGraphImporter importer = TfGraphImporter.read(g.write(dir));

    float[] x = random(r, h * w * c);
    float[] onnx =
        runOnnx(importer, "img", "soft", x, new long[] {-1, h, w, c}, new long[] {-1, 18});

    // pad one row on top, one column on the right: 6 x 6; SAME 2x2/2 pooling: 3 x 3
    int ph = 6;
    int pw = 6;
    float[] padded = new float[ph * pw * c];
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < w; j++) {
        for (int k = 0; k < c; k++) {
          padded[((i + 1) * pw + j) * c + k] = x[(i * w + j) * c + k];
        }
      }
    }
    float[] pooled = new float[18];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < c; k++) {
          float m = Float.NEGATIVE_INFINITY;
          for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
              m = Math.max(m, padded[((2 * i + a) * pw + 2 * j + b) * c + k]);
            }
          }
          pooled[(i * 3 + j) * c + k] = m;
        }
      }
    }
    double ss = 0;
    float[] mixed = new float[18];
    for (int i = 0; i < 18; i++) {
      // x + 0.5 (x - |x|): x for positives, 2x for negatives
      mixed[i] = pooled[i] + 0.5f * (pooled[i] - Math.abs(pooled[i]));
      ss += mixed[i] * mixed[i];
    }
    double inv = 1 / Math.sqrt(Math.max(ss, 1e-10));
    double total = 0;
    double[] e = new double[18];
    for (int i = 0; i < 18; i++) {
      e[i] = Math.exp(mixed[i] * inv);
      total += e[i];
    }
    float[] expected = new float[18];
    for (int i = 0; i < 18; i++) {
      expected[i] = (float) (e[i] / total);
    }
    assertArrayEquals(expected, onnx, TOLERANCE);
  }

  @Test
  void squeezesAndAppliesAFusedPreluDepthwise() throws Exception {
    Random r = new Random(3);
    float[] dwW = random(r, 3 * 3 * 2);
    float[] dwB = random(r, 2);
    float[] alpha = {0.1f, 0.25f};
    TfjsGraphFixture g =
        new TfjsGraphFixture()
            .floats("dw/w", dwW, 3, 3, 2, 1)
            .floats("dw/b", dwB, 2)
            .floats("dw/alpha", alpha, 2)
            .placeholder("x", -1, 3, 3, 2);
    ObjectNode dw = g.node("dw", "FusedDepthwiseConv2dNative", "x", "dw/w", "dw/b", "dw/alpha");
    TfjsGraphFixture.convAttrs(dw, 1, "VALID");
    TfjsGraphFixture.strings(dw, "fused_ops", "BiasAdd", "Prelu");
    dw.with("attr").with("num_args").put("i", "2");
    ObjectNode sq = g.node("sq", "Squeeze", "dw");
    TfjsGraphFixture.ints(sq, "squeeze_dims", 1, 2);
    TfGraphImporter importer = TfGraphImporter.read(g.write(dir));
    float[] x = random(r, 18);
    float[] onnx = runOnnx(importer, "x", "sq", x, new long[] {-1, 3, 3, 2}, new long[] {-1, 2});
    float[] expected = new float[2];
    for (int ch = 0; ch < 2; ch++) {
      double s = dwB[ch];
      for (int i = 0; i < 9; i++) {
        s += x[i * 2 + ch] * dwW[i * 2 + ch];
      }
      expected[ch] = (float) (s >= 0 ? s : alpha[ch] * s);
    }
    assertArrayEquals(expected, onnx, TOLERANCE);
  }

  @Test
  void anUnknownOpIsAnErrorNamingTheNode() throws Exception {
    TfjsGraphFixture g = new TfjsGraphFixture().placeholder("x", -1, 2);
    g.node("weird/node", "Erf", "x");
    TfGraphImporter importer = TfGraphImporter.read(g.write(dir));
    OnnxGraphWriter w = new OnnxGraphWriter("t");
    TfjsFormatException e =
        assertThrows(
            TfjsFormatException.class,
            () -> importer.convert(w, Map.of("x", "x"), List.of("weird/node")));
    assertTrue(
        e.getMessage().contains("weird/node") && e.getMessage().contains("Erf"), e.getMessage());
  }

  @Test
  void aConstWithoutWeightsAndACycleAreRefused() throws Exception {
    TfjsGraphFixture g = new TfjsGraphFixture().placeholder("x", -1, 2);
    g.node("c", "Const");
    g.node("add", "Add", "x", "c");
    g.node("a", "Relu", "b");
    g.node("b", "Relu", "a");
    TfGraphImporter importer = TfGraphImporter.read(g.write(dir));
    assertTrue(
        assertThrows(
                TfjsFormatException.class,
                () -> importer.convert(new OnnxGraphWriter("t"), Map.of("x", "x"), List.of("add")))
            .getMessage()
            .contains("Const c has no weight"));
    assertTrue(
        assertThrows(
                TfjsFormatException.class,
                () -> importer.convert(new OnnxGraphWriter("t"), Map.of("x", "x"), List.of("a")))
            .getMessage()
            .contains("cycle"));
  }

  @Test
  void filterLayoutsFollowOnnx() {
    // HWIO [1,1,2,3] -> OIHW [3,2,1,1]: w[i][o] lands at [o][i]
    float[] hwio = {0, 1, 2, 10, 11, 12};
    assertArrayEquals(
        new float[] {0, 10, 1, 11, 2, 12}, TfGraphImporter.hwioToOihw(hwio, 1, 1, 2, 3));
    // depthwise HWCM [1,2,2,1] -> [C*M,1,1,2]: w[x][c] lands at [c][x]
    float[] hwcm = {0, 1, 10, 11};
    assertArrayEquals(
        new float[] {0, 10, 1, 11}, TfGraphImporter.depthwiseToOihw(hwcm, 1, 2, 2, 1));
  }
}
