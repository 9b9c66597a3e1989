package io.facegate.model.face;

import io.facegate.model.preprocess.RawImage;

/**
 * How face-api puts an image of any size into the detector's square input, and how a box found
 * there maps back to source pixels. face-api's SSD path ({@code NetInput.toBatchTensor(512,
 * false)}) pads the shorter side with zeros at the bottom or right (not centred) to a square of
 * side {@code max(width, height)}, then resizes that square with TF's {@code resizeBilinear}
 * ({@code alignCorners = false, halfPixelCenters = false}). Boxes come back relative to the padded
 * square; face-api rescales them by {@code size / round(side * size / max(width, height))} and then
 * by the image size, which {@link #toSource} repeats step by step.
 *
 * @param sourceWidth source image width in pixels
 * @param sourceHeight source image height in pixels
 * @param size side of the square network input (512 for SSD MobileNetV1)
 */
public record Letterbox(int sourceWidth, int sourceHeight, int size) {

  /** Checks that every side is positive. */
  public Letterbox {
    if (sourceWidth <= 0 || sourceHeight <= 0 || size <= 0) {
      throw new IllegalArgumentException(
          "letterbox sides must be > 0: " + sourceWidth + "x" + sourceHeight + " into " + size);
    }
  }

  /** The geometry for {@code image} scaled into a square of side {@code size}. */
  public static Letterbox of(RawImage image, int size) {
    return new Letterbox(image.width(), image.height(), size);
  }

  /** Number of floats one image occupies in the network input: {@code 3 * size * size}. */
  public int tensorSize() {
    return 3 * size * size;
  }

  /**
   * Writes the padded, resized image as planar RGB ({@code [3, size, size]}) floats holding {@code
   * value / 255} at {@code dst[offset...]}; grey images are replicated to three channels. The
   * bilinear weights are computed in double and each value is rounded to float, as TF.js's CPU
   * kernel does, so the tensor equals face-api's {@code x / 255} bit for bit.
   *
   * @throws IllegalArgumentException when {@code image} does not have this geometry or {@code dst}
   *     is too short
   */
  public void toTensor(RawImage image, float[] dst, int offset) {
    if (image.width() != sourceWidth || image.height() != sourceHeight) {
      throw new IllegalArgumentException(image + " is not " + sourceWidth + "x" + sourceHeight);
    }
    if (offset < 0 || dst.length - offset < tensorSize()) {
      throw new IllegalArgumentException(
          "destination holds "
              + (dst.length - offset)
              + " floats after offset "
              + offset
              + ", need "
              + tensorSize());
    }
    squareTensor(image, size, 0, 0, dst, offset);
  }

  /**
   * The sampler behind {@link #toTensor}, with the image placed anywhere in the zero-padded square
   * of side {@code max(width, height)}: at {@code (left, top)} of that square. face-api's detector
   * path puts it at the corner, its landmark path centres it ({@code toBatchTensor(size, true)}).
   * Writes planar RGB {@code value / 255} floats, {@code 3 * size * size} of them, computed as
   * TF.js's CPU {@code resizeBilinear} does.
   */
  public static void squareTensor(
      RawImage image, int size, int left, int top, float[] dst, int offset) {
    int w = image.width();
    int h = image.height();
    int side = Math.max(w, h);
    if (size <= 0 || left < 0 || top < 0 || left + w > side || top + h > side) {
      throw new IllegalArgumentException(
          image
              + " cannot sit at ("
              + left
              + ", "
              + top
              + ") of a square of side "
              + side
              + " resized to "
              + size);
    }
    if (offset < 0 || dst.length - offset < 3 * size * size) {
      throw new IllegalArgumentException(
          "destination holds "
              + (dst.length - offset)
              + " floats after offset "
              + offset
              + ", need "
              + 3 * size * size);
    }
    double ratio = (double) side / size;
    int plane = size * size;
    for (int r = 0; r < size; r++) {
      double srcRow = ratio * r;
      int upperRow = Math.max(0, (int) Math.floor(srcRow));
      double rowFrac = srcRow - upperRow;
      int lowerRow = Math.min(side - 1, (int) Math.ceil(srcRow));
      for (int c = 0; c < size; c++) {
        double srcCol = ratio * c;
        int leftCol = Math.max(0, (int) Math.floor(srcCol));
        double colFrac = srcCol - leftCol;
        int rightCol = Math.min(side - 1, (int) Math.ceil(srcCol));
        int out = offset + r * size + c;
        for (int ch = 0; ch < 3; ch++) {
          double tl = padded(image, upperRow - top, leftCol - left, ch);
          double tr = padded(image, upperRow - top, rightCol - left, ch);
          double bl = padded(image, lowerRow - top, leftCol - left, ch);
          double br = padded(image, lowerRow - top, rightCol - left, ch);
          double upper = tl + (tr - tl) * colFrac;
          double lower = bl + (br - bl) * colFrac;
          float value = (float) (upper + (lower - upper) * rowFrac);
          dst[out + ch * plane] = value / 255f;
        }
      }
    }
  }

  /** One sample of the zero-padded square: the source pixel (grey replicated), or 0 outside it. */
  private static double padded(RawImage image, int row, int col, int channel) {
    if (row < 0 || col < 0 || row >= image.height() || col >= image.width()) {
      return 0;
    }
    return image.sample(col, row, image.channels() == 1 ? 0 : channel);
  }

  /**
   * Maps a box relative to the network input (face-api's {@code [ymin, xmin, ymax, xmax]} in [0, 1]
   * of the padded square) to source pixels, clipping it to the square first as face-api does.
   *
   * @return the box, or {@code null} when nothing of it is left after clipping (face-api would
   *     throw on such a box; here it is not a face)
   */
  FaceBox toSource(double ymin, double xmin, double ymax, double xmax, double score) {
    double scale = (double) size / Math.max(sourceWidth, sourceHeight);
    // an absurdly thin image would give 0 here and an infinite factor; 1 keeps the box finite
    long reshapedWidth = Math.max(1, Math.round(sourceWidth * scale));
    long reshapedHeight = Math.max(1, Math.round(sourceHeight * scale));
    double padX = (double) size / reshapedWidth;
    double padY = (double) size / reshapedHeight;
    double top = Math.max(0, ymin) * padY;
    double bottom = Math.min(1.0, ymax) * padY;
    double left = Math.max(0, xmin) * padX;
    double right = Math.min(1.0, xmax) * padX;
    double width = (right - left) * sourceWidth;
    double height = (bottom - top) * sourceHeight;
    if (!(width > 0) || !(height > 0)) {
      return null;
    }
    return new FaceBox(left * sourceWidth, top * sourceHeight, width, height, score);
  }
}
