package io.facegate.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.trainer.data.FaceDataset;
import io.facegate.trainer.data.FaceImageRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayPlanTest {

  @TempDir Path root;

  private FaceDataset dataset(int people, int imagesEach) throws IOException {
    Path data = root.resolve("faces");
    for (int p = 0; p < people; p++) {
      Path dir = Files.createDirectories(data.resolve("p" + p));
      for (int i = 0; i < imagesEach; i++) {
        Files.write(
            dir.resolve(i + ".pgm"),
            "P5 1 1 255\n\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      }
    }
    return FaceDataset.scan(List.of(data));
  }

  @Test
  void splitsPeopleNotImagesAndReplaysEveryImageNotEnrolled() throws IOException {
    ReplayPlan plan = ReplayPlan.create(dataset(10, 5), 2, 0.3, 7);

    assertEquals(3, plan.impostors().size());
    assertEquals(7, plan.enrollments().size());
    for (String impostor : plan.impostors()) {
      assertFalse(plan.enrollments().containsKey(impostor));
    }
    Set<Path> enrolledImages = new HashSet<>();
    plan.enrollments()
        .values()
        .forEach(
            list -> {
              assertEquals(2, list.size());
              list.forEach(ref -> enrolledImages.add(ref.path()));
            });
    assertEquals(7 * 3 + 3 * 5, plan.probes().size());
    for (ReplayPlan.Probe probe : plan.probes()) {
      assertFalse(enrolledImages.contains(probe.image().path()), "a probe was also enrolled");
      assertEquals(plan.enrollments().containsKey(probe.identity()), probe.enrolled());
    }
  }

  @Test
  void sameSeedSamePlan() throws IOException {
    FaceDataset ds = dataset(6, 4);
    List<Path> a =
        ReplayPlan.create(ds, 1, 0.5, 3).probes().stream().map(p -> p.image().path()).toList();
    List<Path> b =
        ReplayPlan.create(ds, 1, 0.5, 3).probes().stream().map(p -> p.image().path()).toList();
    assertEquals(a, b);
  }

  @Test
  void rejectsPlansThatEnrolNobody() throws IOException {
    FaceDataset ds = dataset(2, 3);
    assertThrows(IllegalArgumentException.class, () -> ReplayPlan.create(ds, 0, 0.5, 1));
    assertThrows(IllegalArgumentException.class, () -> ReplayPlan.create(ds, 1, 1.0, 1));
    ReplayPlan plan = ReplayPlan.create(ds, 1, 0.01, 1);
    assertEquals(1, plan.impostors().size());
    assertTrue(plan.probes().stream().anyMatch(ReplayPlan.Probe::enrolled));
    for (FaceImageRef ref : plan.enrollments().values().iterator().next()) {
      assertTrue(Files.exists(ref.path()));
    }
  }
}
