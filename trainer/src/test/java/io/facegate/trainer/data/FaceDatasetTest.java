package io.facegate.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaceDatasetTest {

  @TempDir
  Path tmp;

  private Path dataset(String name, int people, int images) throws IOException {
    Path root = tmp.resolve(name);
    for (int p = 0; p < people; p++) {
      Path dir = Files.createDirectories(root.resolve("p" + p));
      for (int i = 0; i < images; i++) {
        Files.write(dir.resolve(i + ".pgm"), new byte[] {'P', '5'});
      }
      Files.writeString(dir.resolve("README.txt"), "not an image");
    }
    return root;
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
    DatasetException missing = assertThrows(DatasetException.class, () -> FaceDataset.scan(List.of(tmp.resolve("nope"))));
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
    PkBatchSampler.Batch b = new PkBatchSampler(d.subset(d.identities()), 4, 2).sample(new Random(3));
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
