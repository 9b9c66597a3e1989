package io.facegate.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.trainer.SyntheticFaces;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentitySplitTest {
  @TempDir Path dir;

  @Test
  void calibrationSplitSeparatesPeopleReproduciblyByTheFraction() throws Exception {
    FaceDataset data =
        FaceDataset.scan(List.of(SyntheticFaces.write(dir.resolve("people"), 10, 2, 16, 1)));
    IdentitySplit a = IdentitySplit.forCalibration(data, 0.3, 1);
    assertEquals(3, a.validation().size());
    assertEquals(7, a.test().size());
    assertTrue(a.train().isEmpty());
    List<String> all = new ArrayList<>(a.validation());
    all.addAll(a.test());
    Collections.sort(all);
    assertEquals(data.identities(), all, "every person once");
    assertEquals(a, IdentitySplit.forCalibration(data, 0.3, 1), "same seed, same split");
    assertNotEquals(a, IdentitySplit.forCalibration(data, 0.3, 2), "another seed, another split");
    // extreme fractions still leave someone on each side
    assertEquals(1, IdentitySplit.forCalibration(data, 0.01, 1).validation().size());
    assertEquals(1, IdentitySplit.forCalibration(data, 0.99, 1).test().size());
    assertThrows(IllegalArgumentException.class, () -> IdentitySplit.forCalibration(data, 1, 1));
  }
}
