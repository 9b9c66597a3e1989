import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Decodes JPEG files with the JDK's ImageIO to raw RGB bytes for golden.mjs, the way facegate's
 * {@code io.facegate.model.preprocess.ImageDecoder} does (getRGB for colour, raster samples for
 * grey), so the Java tests can rebuild the exact golden inputs. jpeg-js differs from ImageIO in
 * about two thirds of the samples (chroma upsampling, colour conversion).
 *
 * <p>Usage: {@code java DecodeJpeg.java OUT_DIR FILE...}; writes {@code OUT_DIR/<i>.rgb} (HWC RGB
 * bytes) and prints {@code <i> <width> <height>} per file, then {@code java.version <v>}.
 */
public final class DecodeJpeg {
  private DecodeJpeg() {}

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    for (int i = 1; i < args.length; i++) {
      BufferedImage image = ImageIO.read(new File(args[i]));
      if (image == null) {
        throw new IOException("ImageIO cannot read " + args[i]);
      }
      int w = image.getWidth();
      int h = image.getHeight();
      byte[] rgb = new byte[w * h * 3];
      boolean grey = image.getColorModel().getNumColorComponents() == 1;
      Raster raster = image.getRaster();
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        if (!grey) {
          image.getRGB(0, y, w, 1, row, 0, w);
        }
        for (int x = 0; x < w; x++) {
          int p = grey ? raster.getSample(x, y, 0) * 0x010101 : row[x];
          int k = 3 * (y * w + x);
          rgb[k] = (byte) (p >> 16);
          rgb[k + 1] = (byte) (p >> 8);
          rgb[k + 2] = (byte) p;
        }
      }
      Files.write(out.resolve(i - 1 + ".rgb"), rgb);
      System.out.println((i - 1) + " " + w + " " + h);
    }
    System.out.println("java.version " + System.getProperty("java.version"));
  }
}
