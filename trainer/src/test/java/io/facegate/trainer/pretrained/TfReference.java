package io.facegate.trainer.pretrained;

/**
 * A naive NHWC forward pass of the TF.js ops face-api uses, written from TensorFlow's definitions
 * with plain loops, for checking the ONNX graphs built from the same weights. Slow and obvious on
 * purpose. A tensor is {@code float[h][w][c]}.
 */
final class TfReference {

  private TfReference() {}

  /**
   * TF 'same': output ceil(in / s); total padding (out - 1) * s + k - in, the smaller half before.
   */
  static int padBefore(int in, int k, int s, boolean same) {
    if (!same) {
      return 0;
    }
    int out = (in + s - 1) / s;
    return Math.max((out - 1) * s + k - in, 0) / 2;
  }

  static int outSize(int in, int k, int s, boolean same) {
    return same ? (in + s - 1) / s : (in - k) / s + 1;
  }

  /** {@code tf.conv2d} with filters {@code [kh][kw][cin][cout]} flattened row-major, plus bias. */
  static float[][][] conv2d(
      float[][][] x, float[] f, int k, int cout, float[] bias, int s, boolean same) {
    int h = x.length;
    int w = x[0].length;
    int cin = x[0][0].length;
    int oh = outSize(h, k, s, same);
    int ow = outSize(w, k, s, same);
    int pt = padBefore(h, k, s, same);
    int pl = padBefore(w, k, s, same);
    float[][][] out = new float[oh][ow][cout];
    for (int y = 0; y < oh; y++) {
      for (int xx = 0; xx < ow; xx++) {
        for (int o = 0; o < cout; o++) {
          double acc = 0;
          for (int ky = 0; ky < k; ky++) {
            int iy = y * s + ky - pt;
            if (iy < 0 || iy >= h) {
              continue;
            }
            for (int kx = 0; kx < k; kx++) {
              int ix = xx * s + kx - pl;
              if (ix < 0 || ix >= w) {
                continue;
              }
              for (int i = 0; i < cin; i++) {
                acc += x[iy][ix][i] * f[((ky * k + kx) * cin + i) * cout + o];
              }
            }
          }
          out[y][xx][o] = (float) acc + (bias == null ? 0f : bias[o]);
        }
      }
    }
    return out;
  }

  /**
   * {@code tf.separableConv2d}: depthwise {@code [k][k][c][1]} with stride and padding, then 1x1
   * {@code [c][cout]}, plus bias.
   */
  static float[][][] separable(
      float[][][] x, float[] dw, float[] pw, int cout, float[] bias, int s) {
    int h = x.length;
    int w = x[0].length;
    int c = x[0][0].length;
    int oh = outSize(h, 3, s, true);
    int ow = outSize(w, 3, s, true);
    int pt = padBefore(h, 3, s, true);
    int pl = padBefore(w, 3, s, true);
    float[][][] mid = new float[oh][ow][c];
    for (int y = 0; y < oh; y++) {
      for (int xx = 0; xx < ow; xx++) {
        for (int i = 0; i < c; i++) {
          double acc = 0;
          for (int ky = 0; ky < 3; ky++) {
            for (int kx = 0; kx < 3; kx++) {
              int iy = y * s + ky - pt;
              int ix = xx * s + kx - pl;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                acc += x[iy][ix][i] * dw[(ky * 3 + kx) * c + i];
              }
            }
          }
          mid[y][xx][i] = (float) acc;
        }
      }
    }
    return conv2d(mid, pw, 1, cout, bias, 1, false);
  }

  static float[][][] affine(float[][][] x, float[] scale, float[] shift) {
    float[][][] out = copy(x);
    for (float[][] row : out) {
      for (float[] px : row) {
        for (int c = 0; c < px.length; c++) {
          px[c] = px[c] * scale[c] + shift[c];
        }
      }
    }
    return out;
  }

  static float[][][] relu(float[][][] x) {
    float[][][] out = copy(x);
    for (float[][] row : out) {
      for (float[] px : row) {
        for (int c = 0; c < px.length; c++) {
          px[c] = Math.max(px[c], 0f);
        }
      }
    }
    return out;
  }

  static float[][][] add(float[][][] a, float[][][] b) {
    float[][][] out = copy(a);
    for (int y = 0; y < out.length; y++) {
      for (int x = 0; x < out[0].length; x++) {
        for (int c = 0; c < out[0][0].length; c++) {
          out[y][x][c] += b[y][x][c];
        }
      }
    }
    return out;
  }

  /** 'valid' pooling, max or mean over each window. */
  static float[][][] pool(float[][][] x, int k, int s, boolean max) {
    int oh = outSize(x.length, k, s, false);
    int ow = outSize(x[0].length, k, s, false);
    int c = x[0][0].length;
    float[][][] out = new float[oh][ow][c];
    for (int y = 0; y < oh; y++) {
      for (int xx = 0; xx < ow; xx++) {
        for (int i = 0; i < c; i++) {
          double acc = max ? Double.NEGATIVE_INFINITY : 0;
          for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
              float v = x[y * s + ky][xx * s + kx][i];
              acc = max ? Math.max(acc, v) : acc + v;
            }
          }
          out[y][xx][i] = (float) (max ? acc : acc / (k * k));
        }
      }
    }
    return out;
  }

  /** Zeros appended after the last row, column and channel. */
  static float[][][] padAfter(float[][][] x, int rows, int cols, int channels) {
    float[][][] out = new float[x.length + rows][x[0].length + cols][x[0][0].length + channels];
    for (int y = 0; y < x.length; y++) {
      for (int xx = 0; xx < x[0].length; xx++) {
        System.arraycopy(x[y][xx], 0, out[y][xx], 0, x[0][0].length);
      }
    }
    return out;
  }

  /** The mean over rows and columns, per channel. */
  static float[] meanOverSpace(float[][][] x) {
    int c = x[0][0].length;
    double[] acc = new double[c];
    for (float[][] row : x) {
      for (float[] px : row) {
        for (int i = 0; i < c; i++) {
          acc[i] += px[i];
        }
      }
    }
    float[] out = new float[c];
    for (int i = 0; i < c; i++) {
      out[i] = (float) (acc[i] / (x.length * x[0].length));
    }
    return out;
  }

  /** {@code v x W (+ bias)} with W {@code [in][out]} row-major. */
  static float[] matMul(float[] v, float[] w, int outDim, float[] bias) {
    float[] out = new float[outDim];
    for (int o = 0; o < outDim; o++) {
      double acc = bias == null ? 0 : bias[o];
      for (int i = 0; i < v.length; i++) {
        acc += v[i] * w[i * outDim + o];
      }
      out[o] = (float) acc;
    }
    return out;
  }

  /** face-api's input: {@code (rgb - meanRgb) / 255} from uint8 RGB. */
  static float[][][] normalise(int[][][] rgb, float[] meanRgb) {
    float[][][] out = new float[rgb.length][rgb[0].length][3];
    for (int y = 0; y < rgb.length; y++) {
      for (int x = 0; x < rgb[0].length; x++) {
        for (int c = 0; c < 3; c++) {
          out[y][x][c] = (rgb[y][x][c] - meanRgb[c]) / 255f;
        }
      }
    }
    return out;
  }

  private static float[][][] copy(float[][][] x) {
    float[][][] out = new float[x.length][x[0].length][];
    for (int y = 0; y < x.length; y++) {
      for (int xx = 0; xx < x[0].length; xx++) {
        out[y][xx] = x[y][xx].clone();
      }
    }
    return out;
  }
}
