package io.facegate.model.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PreprocessorTest {

  private static RawImage constant(int w, int h, int channels, int... values) {
    byte[] px = new byte[w * h * channels];
    for (int i = 0; i < w * h; i++) {
      for (int c = 0; c < channels; c++) {
        px[i * channels + c] = (byte) values[c];
      }
    }
    return new RawImage(w, h, channels, px);
  }

  @Test
  void normalisesWithMeanAndStd() {
    Preprocessor p =
        new Preprocessor(new PreprocessSpec(4, 4, 1, new float[] {0.5f}, new float[] {0.25f}));
    float[] t = p.toTensor(constant(8, 8, 1, 255));
    assertEquals(16, t.length);
    for (float v : t) {
      assertEquals((1f - 0.5f) / 0.25f, v, 1e-5f);
    }
  }

  @Test
  void replicatesGreyIntoRgbAndConvertsRgbToLuma() {
    Preprocessor rgb =
        new Preprocessor(new PreprocessSpec(2, 2, 3, new float[] {0, 0, 0}, new float[] {1, 1, 1}));
    float[] t = rgb.toTensor(constant(4, 4, 1, 51));
    assertEquals(12, t.length);
    for (float v : t) {
      assertEquals(0.2f, v, 1e-5f);
    }
    Preprocessor grey =
        new Preprocessor(new PreprocessSpec(2, 2, 1, new float[] {0}, new float[] {1}));
    float[] g = grey.toTensor(constant(4, 4, 3, 255, 0, 0));
    assertEquals(0.299f, g[0], 1e-4f);
  }

  @Test
  void greyIntoRgbIsBitForBitTheRgbImageWithThreeEqualChannels() {
    // the grey path resamples one plane for all three channels; it must give exactly what
    // resampling the same pixels as three planes gives (up- and down-scaling, crop, per-channel
    // norm)
    Random r = new Random(7);
    int w = 92;
    int h = 112;
    byte[] grey = new byte[w * h];
    r.nextBytes(grey);
    byte[] rgb = new byte[w * h * 3];
    for (int i = 0; i < grey.length; i++) {
      rgb[3 * i] = grey[i];
      rgb[3 * i + 1] = grey[i];
      rgb[3 * i + 2] = grey[i];
    }
    for (int size : new int[] {224, 64, 37}) {
      Preprocessor p =
          new Preprocessor(
              new PreprocessSpec(
                  size,
                  size,
                  3,
                  new float[] {0.485f, 0.456f, 0.406f},
                  new float[] {0.229f, 0.224f, 0.225f}));
      float[] fromGrey = p.toTensor(new RawImage(w, h, 1, grey));
      float[] fromRgb = p.toTensor(new RawImage(w, h, 3, rgb));
      assertArrayEquals(fromRgb, fromGrey, 0f, "size " + size);
      assertNotEquals(
          fromGrey[0], fromGrey[size * size], "channels are normalised each with its own mean");
    }
  }

  @Test
  void keepsChannelsPlanar() {
    Preprocessor rgb =
        new Preprocessor(new PreprocessSpec(2, 2, 3, new float[] {0, 0, 0}, new float[] {1, 1, 1}));
    float[] t = rgb.toTensor(constant(2, 2, 3, 255, 0, 51));
    assertArrayEquals(new float[] {1, 1, 1, 1, 0, 0, 0, 0, 0.2f, 0.2f, 0.2f, 0.2f}, t, 1e-5f);
  }

  @Test
  void centreCropsAfterAspectPreservingResize() {
    // 4 wide x 8 high: top quarter black, middle white, bottom quarter black; a 2x2 output
    // scales to 2x4 and crops the middle two rows, which are white
    byte[] px = new byte[4 * 8];
    for (int y = 2; y < 6; y++) {
      for (int x = 0; x < 4; x++) {
        px[y * 4 + x] = (byte) 255;
      }
    }
    Preprocessor p =
        new Preprocessor(new PreprocessSpec(2, 2, 1, new float[] {0}, new float[] {1}));
    float[] t = p.toTensor(new RawImage(4, 8, 1, px));
    for (float v : t) {
      assertEquals(1f, v, 0.3f);
    }
  }

  @Test
  void identityWhenSizesMatch() {
    byte[] px = new byte[3 * 2];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (i * 40);
    }
    Preprocessor p =
        new Preprocessor(new PreprocessSpec(3, 2, 1, new float[] {0}, new float[] {1}));
    float[] t = p.toTensor(new RawImage(3, 2, 1, px));
    for (int i = 0; i < px.length; i++) {
      assertEquals(i * 40 / 255f, t[i], 1e-5f);
    }
  }

  @Test
  void downscalesByAveraging() {
    // a 1-pixel checkerboard averaged down 8x is mid-grey, not aliased black or white
    byte[] px = new byte[64 * 64];
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        px[y * 64 + x] = (byte) (((x + y) & 1) == 0 ? 255 : 0);
      }
    }
    Preprocessor p =
        new Preprocessor(new PreprocessSpec(8, 8, 1, new float[] {0}, new float[] {1}));
    for (float v : p.toTensor(new RawImage(64, 64, 1, px))) {
      assertEquals(0.5f, v, 0.05f);
    }
  }

  @Test
  void writesIntoBatchAtOffsetAndChecksRoom() {
    Preprocessor p =
        new Preprocessor(new PreprocessSpec(2, 2, 1, new float[] {0}, new float[] {1}));
    float[] batch = new float[8];
    p.toTensor(constant(2, 2, 1, 255), batch, 4);
    assertArrayEquals(new float[] {0, 0, 0, 0, 1, 1, 1, 1}, batch, 1e-6f);
    assertThrows(IllegalArgumentException.class, () -> p.toTensor(constant(2, 2, 1, 0), batch, 5));
  }

  @Test
  void specNamesBadField() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PreprocessSpec(4, 4, 3, new float[] {0}, new float[] {1, 1, 1}));
    assertEquals(true, e.getMessage().startsWith("mean"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PreprocessSpec(4, 4, 1, new float[] {0}, new float[] {0}));
    assertEquals(true, e.getMessage().startsWith("std"));
  }

  @Test
  void augmentationIsSeededAndKeepsGeometry() {
    byte[] px = new byte[40 * 30];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (i % 251);
    }
    RawImage img = new RawImage(40, 30, 1, px);
    TrainingAugmenter aug = TrainingAugmenter.defaults();
    RawImage a = aug.apply(img, new Random(3));
    RawImage b = aug.apply(img, new Random(3));
    assertEquals(a, b);
    assertEquals(40, a.width());
    assertEquals(30, a.height());
    assertNotEquals(img, a);
  }

  @Test
  void flipMirrorsRows() {
    TrainingAugmenter flipOnly = new TrainingAugmenter(1, 0, 0, 0, 0, 0);
    RawImage img = new RawImage(3, 1, 1, new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {3, 2, 1}, flipOnly.apply(img, new Random(1)).pixels());
  }
}
