package io.facegate.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.preprocess.ImageFormat;
import io.facegate.model.preprocess.PreprocessSpec;
import io.facegate.model.preprocess.Preprocessor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaceDatasetTest {

  @TempDir Path tmp;

  private Path dataset(String name, int people, int images) throws IOException {
    Path root = tmp.resolve(name);
    for (int p = 0; p < people; p++) {
      Path dir = Files.createDirectories(root.resolve("p" + p));
      for (int i = 0; i < images; i++) {
        Files.write(dir.resolve(i + ".pgm"), pgm(40, 40));
      }
      Files.writeString(dir.resolve("README.txt"), "not an image");
    }
    return root;
  }

  private static byte[] pgm(int w, int h) {
    byte[] header = ("P5\n" + w + " " + h + "\n255\n").getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(header, header.length + w * h);
    for (int i = header.length; i < out.length; i++) {
      out[i] = (byte) (i * 13);
    }
    return out;
  }

  private static ImageStore store() {
    return new ImageStore(
        new Preprocessor(new PreprocessSpec(32, 32, 1, new float[] {0.5f}, new float[] {0.5f})));
  }

  @Test
  void pngBytesNamedJpgAreReadAsPng() throws IOException {
    Path root = dataset("mixed", 2, 2);
    BufferedImage grey = new BufferedImage(40, 44, BufferedImage.TYPE_BYTE_GRAY);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(grey, "png", png);
    Path misnamed = root.resolve("p0").resolve("photo.jpg");
    Files.write(misnamed, png.toByteArray());
    FaceDataset d = FaceDataset.scan(List.of(root));
    FaceImageRef ref =
        d.images("mixed/p0").stream()
            .filter(r -> r.path().equals(misnamed))
            .findFirst()
            .orElseThrow();
    assertEquals(ImageFormat.PNG, ref.format());
    assertEquals(44, store().load(ref).height());
    assertTrue(d.usable(store(), true).unusable().isEmpty());
  }

  @Test
  void unusableImagesAreCountedByReasonAndSkipped() throws IOException {
    Path root = dataset("faces", 2, 3);
    Files.write(root.resolve("p0").resolve("tiny.pgm"), pgm(30, 40));
    Files.writeString(root.resolve("p1").resolve("broken.jpg"), "not a jpeg at all");
    Files.write(root.resolve("p1").resolve("cut.pgm"), Arrays.copyOf(pgm(40, 40), 100));
    Path loner = Files.createDirectories(root.resolve("p9"));
    Files.write(loner.resolve("only.pgm"), pgm(8, 8));
    FaceDataset scanned = FaceDataset.scan(List.of(root));
    // the bytes of broken.jpg are no image at all: known at scan time
    assertEquals(Map.of("CORRUPT", 1), scanned.unusableByReason());
    FaceDataset usable = scanned.usable(store(), false);
    assertEquals(Map.of("CORRUPT", 2, "TOO_SMALL", 2), usable.unusableByReason());
    assertEquals(List.of("faces/p0", "faces/p1"), usable.identities(), "p9 had no usable image");
    assertEquals(6, usable.imageCount());
    assertTrue(
        usable.unusable().stream()
            .anyMatch(
                u ->
                    u.path().getFileName().toString().equals("tiny.pgm")
                        && u.detail().contains("30x40")));
  }

  @Test
  void strictImagesFailOnTheFirstUnusableImage() throws IOException {
    Path root = dataset("strict", 2, 2);
    Files.write(root.resolve("p1").resolve("tiny.pgm"), pgm(30, 40));
    DatasetException e =
        assertThrows(
            DatasetException.class, () -> FaceDataset.scan(List.of(root)).usable(store(), true));
    assertTrue(
        e.getMessage().contains("tiny.pgm") && e.getMessage().contains("TOO_SMALL"),
        e.getMessage());
    Files.writeString(root.resolve("p0").resolve("x.png"), "garbage");
    DatasetException scanTime =
        assertThrows(
            DatasetException.class, () -> FaceDataset.scan(List.of(root)).usable(store(), true));
    assertTrue(scanTime.getMessage().contains("x.png"), scanTime.getMessage());
  }

  @Test
  void combinesRootsAndPrefixesIdentitiesWithTheDatasetName() throws IOException {
    FaceDataset d = FaceDataset.scan(List.of(dataset("a", 3, 2), dataset("b", 3, 4)));
    assertEquals(List.of("a", "b"), d.datasets());
    assertEquals(6, d.identities().size());
    assertTrue(d.identities().contains("a/p0"));
    assertTrue(d.identities().contains("b/p0"));
    assertEquals(3 * 2 + 3 * 4, d.imageCount());
  }

  @Test
  void rejectsMissingOrEmptyRootsWithOneLineMessages() throws IOException {
    DatasetException missing =
        assertThrows(DatasetException.class, () -> FaceDataset.scan(List.of(tmp.resolve("nope"))));
    assertTrue(missing.getMessage().contains("does not exist"));
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertThrows(DatasetException.class, () -> FaceDataset.scan(List.of(empty)));
    assertThrows(DatasetException.class, () -> FaceDataset.scan(List.of()));
  }

  @Test
  void splitIsByIdentityPerDatasetAndReproducible() throws IOException {
    FaceDataset d = FaceDataset.scan(List.of(dataset("a", 40, 2), dataset("b", 20, 2)));
    IdentitySplit s1 = IdentitySplit.of(d, 0.15, 0.15, 7);
    IdentitySplit s2 = IdentitySplit.of(d, 0.15, 0.15, 7);
    IdentitySplit other = IdentitySplit.of(d, 0.15, 0.15, 8);
    assertEquals(s1, s2);
    assertNotEquals(s1, other);
    Set<String> seen = new HashSet<>(s1.train());
    s1.validation().forEach(id -> assertTrue(seen.add(id)));
    s1.test().forEach(id -> assertTrue(seen.add(id)));
    assertEquals(60, seen.size());
    // 15 % of 40 = 6 and 15 % of 20 = 3 test people: each dataset gets its own
    assertEquals(6, s1.test().stream().filter(id -> id.startsWith("a/")).count());
    assertEquals(3, s1.test().stream().filter(id -> id.startsWith("b/")).count());
  }

  @Test
  void pairSamplerIsBalancedAndHonest() throws IOException {
    FaceDataset d = FaceDataset.scan(List.of(dataset("a", 5, 3)));
    PairSampler.Pairs pairs = new PairSampler(d.subset(d.identities())).sample(20, new Random(1));
    int genuine = 0;
    for (int i = 0; i < 20; i++) {
      boolean same = pairs.left().get(i).identity().equals(pairs.right().get(i).identity());
      assertEquals(same, pairs.same()[i] == 1f);
      if (same) {
        genuine++;
        assertNotEquals(pairs.left().get(i), pairs.right().get(i));
      }
    }
    assertEquals(10, genuine);
  }

  @Test
  void pkBatchesHavePDistinctPeopleWithKImagesEach() throws IOException {
    FaceDataset d = FaceDataset.scan(List.of(dataset("a", 10, 3)));
    PkBatchSampler.Batch b =
        new PkBatchSampler(d.subset(d.identities()), 4, 2).sample(new Random(3));
    assertEquals(8, b.images().size());
    List<String> people = new ArrayList<>();
    for (int i = 0; i < 8; i += 2) {
      assertEquals(b.images().get(i).identity(), b.images().get(i + 1).identity());
      assertEquals(b.labels()[i], b.labels()[i + 1]);
      people.add(b.images().get(i).identity());
    }
    assertEquals(4, new HashSet<>(people).size());
  }
}
