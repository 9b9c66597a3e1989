package io.facegate.model.preprocess;

/**
 * Turns a decoded image into the model's input tensor (CHW floats): converts grey to RGB
 * (replicate) or RGB to grey (ITU-R BT.601 luma) as the spec wants, scales the image so it covers
 * the target size keeping its aspect ratio, centre-crops, and normalises {@code (x / 255 - mean) /
 * std}.
 *
 * <p>Resampling is a separable triangle filter whose support widens with the down-scale factor
 * (anti-aliased bilinear), so large inputs do not alias. Deterministic and thread-safe.
 */
public final class Preprocessor {

  private final PreprocessSpec spec;
  private final float[] mean;
  private final float[] std;

  /** A pre-processor for the given model input spec. */
  public Preprocessor(PreprocessSpec spec) {
    if (spec == null) {
      throw new IllegalArgumentException("spec must not be null");
    }
    this.spec = spec;
    this.mean = spec.mean();
    this.std = spec.std();
  }

  /** The spec this pre-processor implements. */
  public PreprocessSpec spec() {
    return spec;
  }

  /** Floats per image: channels x height x width. */
  public int tensorSize() {
    return spec.channels() * spec.height() * spec.width();
  }

  /** Returns the CHW tensor for one image. */
  public float[] toTensor(RawImage img) {
    float[] dst = new float[tensorSize()];
    toTensor(img, dst, 0);
    return dst;
  }

  /** Writes the CHW tensor for one image into {@code dst} from {@code offset} (for batches). */
  public void toTensor(RawImage img, float[] dst, int offset) {
    if (img == null) {
      throw new IllegalArgumentException("img must not be null");
    }
    if (dst == null || offset < 0 || offset > dst.length - tensorSize()) {
      throw new IllegalArgumentException(
          "dst has no room for " + tensorSize() + " floats at " + offset);
    }
    int tw = spec.width();
    int th = spec.height();
    float[][] src = planes(img);
    double scale = Math.max((double) tw / img.width(), (double) th / img.height());
    double offX = (img.width() * scale - tw) / 2.0;
    double offY = (img.height() * scale - th) / 2.0;
    Taps tx = taps(img.width(), tw, scale, offX);
    Taps ty = taps(img.height(), th, scale, offY);
    float[] rows = new float[img.width() * th];
    int plane = tw * th;
    // a grey image for an RGB model has one source plane: it is resampled once and written to
    // every channel (the same sums as resampling three equal planes, at a third of the work)
    int channelsPerPlane = spec.channels() / src.length;
    for (int p = 0; p < src.length; p++) {
      float[] s = src[p];
      // vertical pass: th rows of full source width
      for (int y = 0; y < th; y++) {
        for (int x = 0; x < img.width(); x++) {
          float acc = 0f;
          for (int k = ty.start[y]; k < ty.start[y + 1]; k++) {
            acc += ty.weight[k] * s[ty.index[k] * img.width() + x];
          }
          rows[y * img.width() + x] = acc;
        }
      }
      for (int y = 0; y < th; y++) {
        for (int x = 0; x < tw; x++) {
          float acc = 0f;
          for (int k = tx.start[x]; k < tx.start[x + 1]; k++) {
            acc += tx.weight[k] * rows[y * img.width() + tx.index[k]];
          }
          for (int c = p * channelsPerPlane; c < (p + 1) * channelsPerPlane; c++) {
            dst[offset + c * plane + y * tw + x] = (acc / 255f - mean[c]) / std[c];
          }
        }
      }
    }
  }

  /**
   * Source planes in 0..255: one per channel of the spec, or a single grey plane for every channel
   * when a grey image feeds an RGB model.
   */
  private float[][] planes(RawImage img) {
    int n = img.width() * img.height();
    byte[] p = img.pixels();
    boolean replicate = img.channels() == 1 && spec.channels() == 3;
    float[][] out = new float[replicate ? 1 : spec.channels()][n];
    if (img.channels() == spec.channels()) {
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < spec.channels(); c++) {
          out[c][i] = p[i * spec.channels() + c] & 0xFF;
        }
      }
    } else if (replicate) {
      for (int i = 0; i < n; i++) {
        out[0][i] = p[i] & 0xFF;
      }
    } else {
      for (int i = 0; i < n; i++) {
        out[0][i] =
            0.299f * (p[3 * i] & 0xFF)
                + 0.587f * (p[3 * i + 1] & 0xFF)
                + 0.114f * (p[3 * i + 2] & 0xFF);
      }
    }
    return out;
  }

  /** Sparse resampling weights along one axis (CSR layout). */
  private record Taps(int[] start, int[] index, float[] weight) {}

  private static Taps taps(int srcLen, int dstLen, double scale, double offset) {
    double support = Math.max(1.0, 1.0 / scale);
    int[] start = new int[dstLen + 1];
    int maxTaps = (int) Math.ceil(2 * support) + 2;
    int[] index = new int[dstLen * maxTaps];
    float[] weight = new float[dstLen * maxTaps];
    int k = 0;
    for (int o = 0; o < dstLen; o++) {
      start[o] = k;
      double centre = (o + offset + 0.5) / scale - 0.5;
      int lo = (int) Math.floor(centre - support);
      int hi = (int) Math.ceil(centre + support);
      double sum = 0;
      int first = k;
      for (int i = lo; i <= hi; i++) {
        double w = 1.0 - Math.abs(i - centre) / support;
        if (w <= 0) {
          continue;
        }
        int clamped = Math.min(srcLen - 1, Math.max(0, i));
        index[k] = clamped;
        weight[k] = (float) w;
        sum += w;
        k++;
      }
      for (int j = first; j < k; j++) {
        weight[j] = (float) (weight[j] / sum);
      }
    }
    start[dstLen] = k;
    return new Taps(start, index, weight);
  }
}
