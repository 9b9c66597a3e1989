package io.facegate.processor.app;

import io.facegate.schemas.FaceImage;
import io.facegate.schemas.ImageEncoding;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Generated grey "faces" of ORL's size (92x112, binary PGM), so that the integration tests need no
 * dataset and can never be skipped. Each person is a smooth random pattern (an 8x8 grid of random
 * levels, bilinearly interpolated); each of their images is that pattern with per-pixel noise and a
 * brightness shift. Deterministic: the same person and image number give the same bytes. {@link
 * SyntheticFacesTest} measures how the ITs' model separates them.
 */
final class SyntheticFaces {
  static final int WIDTH = 92;
  static final int HEIGHT = 112;
  private static final int GRID = 8;
  private static final int NOISE = 12;
  private static final int SHIFT = 10;

  private SyntheticFaces() {}

  /** Image {@code image} of person {@code person} as a binary PGM file. */
  static byte[] pgm(int person, int image) {
    Random looks = new Random(7919L * person + 17);
    double[][] grid = new double[GRID][GRID];
    for (double[] row : grid) {
      for (int x = 0; x < GRID; x++) {
        row[x] = 40 + 175 * looks.nextDouble();
      }
    }
    Random shot = new Random(1_000_003L * person + 31L * image + 5);
    int shift = shot.nextInt(2 * SHIFT + 1) - SHIFT;
    byte[] header = ("P5\n" + WIDTH + " " + HEIGHT + "\n255\n").getBytes(StandardCharsets.US_ASCII);
    byte[] file = new byte[header.length + WIDTH * HEIGHT];
    System.arraycopy(header, 0, file, 0, header.length);
    for (int y = 0; y < HEIGHT; y++) {
      double gy = (double) y / (HEIGHT - 1) * (GRID - 1);
      int y0 = Math.min((int) gy, GRID - 2);
      double fy = gy - y0;
      for (int x = 0; x < WIDTH; x++) {
        double gx = (double) x / (WIDTH - 1) * (GRID - 1);
        int x0 = Math.min((int) gx, GRID - 2);
        double fx = gx - x0;
        double v =
            (1 - fy) * ((1 - fx) * grid[y0][x0] + fx * grid[y0][x0 + 1])
                + fy * ((1 - fx) * grid[y0 + 1][x0] + fx * grid[y0 + 1][x0 + 1]);
        v += shift + shot.nextInt(2 * NOISE + 1) - NOISE;
        file[header.length + y * WIDTH + x] = (byte) Math.max(0, Math.min(255, (int) v));
      }
    }
    return file;
  }

  /** The same, as the image of a face event or enrollment. */
  static FaceImage image(int person, int image) {
    return FaceImage.newBuilder()
        .setData(ByteBuffer.wrap(pgm(person, image)))
        .setEncoding(ImageEncoding.PGM)
        .build();
  }
}
