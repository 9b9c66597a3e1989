package io.facegate.trainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Writes a small folder-per-identity PGM dataset: each person is a random pattern plus noise. */
public final class SyntheticFaces {

  private SyntheticFaces() {}

  /** Creates {@code root/p<i>/<j>.pgm}. */
  public static Path write(Path root, int people, int imagesPerPerson, int size, long seed)
      throws IOException {
    Random random = new Random(seed);
    for (int p = 0; p < people; p++) {
      byte[] base = new byte[size * size];
      random.nextBytes(base);
      Path dir = Files.createDirectories(root.resolve("p" + p));
      for (int i = 0; i < imagesPerPerson; i++) {
        byte[] header =
            ("P5\n" + size + " " + size + "\n255\n").getBytes(StandardCharsets.US_ASCII);
        byte[] file = new byte[header.length + base.length];
        System.arraycopy(header, 0, file, 0, header.length);
        for (int k = 0; k < base.length; k++) {
          int v = (base[k] & 0xFF) + random.nextInt(41) - 20;
          file[header.length + k] = (byte) Math.max(0, Math.min(255, v));
        }
        Files.write(dir.resolve(i + ".pgm"), file);
      }
    }
    return root;
  }
}
