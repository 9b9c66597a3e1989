package io.facegate.processor.core.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Gallery's 1:N answers through the approximate index against a brute-force reference. */
class GalleryIndexTest {
  private static final String V1 = "v1";
  private static final int DIM = 32;
  private static final Gallery.IndexSettings LOW = new Gallery.IndexSettings(1000, 16, 1);

  private static float[] randomUnit(Random r) {
    float[] v = new float[DIM];
    for (int d = 0; d < DIM; d++) {
      v[d] = (float) r.nextGaussian();
    }
    return unit(v);
  }

  private static float[] unit(float[] v) {
    double n = 0;
    for (float x : v) {
      n += x * x;
    }
    float[] u = new float[v.length];
    for (int d = 0; d < v.length; d++) {
      u[d] = (float) (v[d] / Math.sqrt(n));
    }
    return u;
  }

  /** A returning person: their template plus noise of norm about {@code noise}, re-normalised. */
  private static float[] noisy(float[] t, double noise, Random r) {
    float[] v = new float[DIM];
    for (int d = 0; d < DIM; d++) {
      v[d] = (float) (t[d] + r.nextGaussian() * noise / Math.sqrt(DIM));
    }
    return unit(v);
  }

  /** The reference: brute force over what the test itself enrolled. */
  private static String bruteForce(Map<String, float[]> enrolled, float[] probe) {
    String best = null;
    double bestSq = Double.POSITIVE_INFINITY;
    for (Map.Entry<String, float[]> e : enrolled.entrySet()) {
      double sq = 0;
      for (int d = 0; d < DIM; d++) {
        double x = (double) probe[d] - e.getValue()[d];
        sq += x * x;
      }
      if (sq < bestSq) {
        bestSq = sq;
        best = e.getKey();
      }
    }
    return best;
  }

  private static Map<String, float[]> enrol(Gallery g, int from, int to, Random r) {
    Map<String, float[]> m = new LinkedHashMap<>();
    for (int i = from; i < to; i++) {
      float[] v = randomUnit(r);
      assertEquals(Gallery.PutOutcome.STORED, g.put("p" + i, v, V1));
      m.put("p" + i, v);
    }
    return m;
  }

  private static double recall(Gallery g, Map<String, float[]> enrolled, int probes, Random r) {
    List<String> names = new ArrayList<>(enrolled.keySet());
    int agree = 0;
    for (int q = 0; q < probes; q++) {
      float[] probe = noisy(enrolled.get(names.get(r.nextInt(names.size()))), 0.5, r);
      Gallery.Nearest n = g.nearest(probe).orElseThrow();
      if (n.identity().equals(bruteForce(enrolled, probe))) {
        agree++;
      }
      // whatever the index proposes, the distance is the true one to that person
      assertEquals(Math.sqrt(sq(probe, enrolled.get(n.identity()))), n.distance(), 1e-5);
    }
    return (double) agree / probes;
  }

  private static double sq(float[] a, float[] b) {
    double s = 0;
    for (int d = 0; d < DIM; d++) {
      double x = (double) a[d] - b[d];
      s += x * x;
    }
    return s;
  }

  @Test
  void largeGallerySearchesThroughTheIndexWithRecallAtLeast99Percent() throws Exception {
    Random r = new Random(7);
    Gallery g = new Gallery(V1, DIM, LOW);
    Map<String, float[]> enrolled = enrol(g, 0, 4000, r);
    assertTrue(g.awaitIndexIdle(Duration.ofSeconds(30)));
    assertEquals(Gallery.SearchMode.INDEX, g.searchMode());
    assertTrue(g.indexBytes() > 0);
    double recall = recall(g, enrolled, 600, r);
    assertTrue(recall >= 0.99, "recall@1 " + recall);
  }

  @Test
  void removedPeopleAreNeverReturnedAndPeopleEnrolledAfterTheBuildAreFound() throws Exception {
    Random r = new Random(11);
    Gallery g = new Gallery(V1, DIM, LOW);
    Map<String, float[]> enrolled = enrol(g, 0, 4000, r);
    assertTrue(g.awaitIndexIdle(Duration.ofSeconds(30)));
    assertEquals(Gallery.SearchMode.INDEX, g.searchMode());

    List<String> names = new ArrayList<>(enrolled.keySet());
    Set<String> removed = new HashSet<>();
    Map<String, float[]> forgotten = new LinkedHashMap<>();
    while (removed.size() < 400) {
      String id = names.get(r.nextInt(names.size()));
      if (removed.add(id)) {
        assertTrue(g.remove(id));
        forgotten.put(id, enrolled.remove(id));
      }
    }
    Map<String, float[]> added = enrol(g, 10_000, 10_300, r);
    enrolled.putAll(added);
    assertEquals(enrolled.size(), g.size());
    // few enough changes that no rebuild ran: the built index was kept in step
    assertEquals(Gallery.SearchMode.INDEX, g.searchMode());

    for (Map.Entry<String, float[]> e : forgotten.entrySet()) {
      Gallery.Nearest n = g.nearest(e.getValue()).orElseThrow();
      assertFalse(removed.contains(n.identity()), "forgotten " + e.getKey() + " returned");
      assertFalse(n.runnerUpIdentity().map(removed::contains).orElse(false));
    }
    for (Map.Entry<String, float[]> e : added.entrySet()) {
      Gallery.Nearest n = g.nearest(e.getValue()).orElseThrow();
      assertEquals(e.getKey(), n.identity());
      assertEquals(0, n.distance(), 1e-3);
      assertEquals(e.getKey(), g.nearest(noisy(e.getValue(), 0.3, r)).orElseThrow().identity());
    }
    double recall = recall(g, enrolled, 400, r);
    assertTrue(recall >= 0.99, "recall@1 after churn " + recall);
  }

  @Test
  void changesMadeDuringTheBuildAreReplayedOntoTheNewIndex() {
    Queue<Runnable> builds = new ArrayDeque<>();
    Random r = new Random(3);
    Gallery g = new Gallery(V1, DIM, LOW, builds::add);
    Map<String, float[]> enrolled = enrol(g, 0, 1000, r);
    assertEquals(1, builds.size(), "the build starts at the threshold");
    assertEquals(Gallery.SearchMode.EXACT, g.searchMode(), "exact until the index is ready");

    // while the build runs: forget some, enrol more, re-enrol some with a new template
    List<String> names = new ArrayList<>(enrolled.keySet());
    Set<String> removed = new HashSet<>();
    Map<String, float[]> forgotten = new LinkedHashMap<>();
    for (int i = 0; i < 150; i++) {
      String id = names.get(i * 6);
      removed.add(id);
      assertTrue(g.remove(id));
      forgotten.put(id, enrolled.remove(id));
    }
    Map<String, float[]> added = enrol(g, 5000, 5200, r);
    enrolled.putAll(added);
    Map<String, float[]> oldTemplates = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      String id = names.get(i * 6 + 1);
      float[] fresh = randomUnit(r);
      oldTemplates.put(id, enrolled.get(id));
      g.put(id, fresh, V1);
      enrolled.put(id, fresh);
    }

    builds.remove().run();
    assertEquals(Gallery.SearchMode.INDEX, g.searchMode());
    for (float[] v : forgotten.values()) {
      assertFalse(removed.contains(g.nearest(v).orElseThrow().identity()));
    }
    for (Map.Entry<String, float[]> e : enrolled.entrySet()) {
      Gallery.Nearest n = g.nearest(e.getValue()).orElseThrow();
      assertEquals(e.getKey(), n.identity());
      assertEquals(0, n.distance(), 1e-3);
    }
    for (Map.Entry<String, float[]> e : oldTemplates.entrySet()) {
      Gallery.Nearest n = g.nearest(e.getValue()).orElseThrow();
      // the replaced template is gone: distances are to current templates only
      assertEquals(Math.sqrt(sq(e.getValue(), enrolled.get(n.identity()))), n.distance(), 1e-5);
    }
  }

  @Test
  void aBuildOverTakenByClearIsDiscarded() {
    Queue<Runnable> builds = new ArrayDeque<>();
    Random r = new Random(5);
    Gallery g = new Gallery(V1, DIM, LOW, builds::add);
    enrol(g, 0, 1000, r);
    g.clear();
    Map<String, float[]> now = enrol(g, 0, 10, r);
    builds.remove().run();
    assertEquals(Gallery.SearchMode.EXACT, g.searchMode());
    for (Map.Entry<String, float[]> e : now.entrySet()) {
      assertEquals(e.getKey(), g.nearest(e.getValue()).orElseThrow().identity());
    }
  }

  private static IvfFlatIndex indexOf(Gallery g) throws ReflectiveOperationException {
    Field f = Gallery.class.getDeclaredField("index");
    f.setAccessible(true);
    return (IvfFlatIndex) f.get(g);
  }

  @Test
  void anIndexOutOfStepWithTheRowsFailsTheSearchAndIsReplaced() throws Exception {
    Queue<Runnable> builds = new ArrayDeque<>();
    Random r = new Random(13);
    Gallery g = new Gallery(V1, DIM, LOW, builds::add);
    Map<String, float[]> enrolled = enrol(g, 0, 1000, r);
    builds.remove().run();
    assertEquals(Gallery.SearchMode.INDEX, g.searchMode());

    // another vector filed under row 0: whoever it proposes, the rows disagree
    float[] row0 = g.lookup("p0").template();
    float[] stranger = randomUnit(r);
    IvfFlatIndex index = indexOf(g);
    assertTrue(index.remove(0, row0));
    index.add(0, stranger);
    assertThrows(
        IllegalStateException.class,
        () -> g.nearest(stranger),
        "a search the index cannot back with the rows is refused (the event is denied)");
    assertEquals(Gallery.SearchMode.EXACT, g.searchMode(), "the index is dropped");
    for (Map.Entry<String, float[]> e : enrolled.entrySet()) {
      assertEquals(e.getKey(), g.nearest(e.getValue()).orElseThrow().identity());
    }
    // the next change rebuilds it from the rows
    enrolled.putAll(enrol(g, 2000, 2001, r));
    builds.remove().run();
    assertEquals(Gallery.SearchMode.INDEX, g.searchMode());
    for (Map.Entry<String, float[]> e : enrolled.entrySet()) {
      assertEquals(e.getKey(), g.nearest(e.getValue()).orElseThrow().identity());
    }

    // a vector missing from the index: sizes disagree
    IvfFlatIndex rebuilt = indexOf(g);
    assertTrue(rebuilt.remove(5, g.lookup("p5").template()));
    assertThrows(IllegalStateException.class, () -> g.nearest(enrolled.get("p7")));
    assertEquals(Gallery.SearchMode.EXACT, g.searchMode());
  }

  @Test
  void smallGalleriesStayExactAndShrinkingDropsTheIndex() {
    Queue<Runnable> builds = new ArrayDeque<>();
    Random r = new Random(9);
    Gallery g = new Gallery(V1, DIM, LOW, builds::add);
    Map<String, float[]> enrolled = enrol(g, 0, 999, r);
    assertTrue(builds.isEmpty());
    assertEquals(Gallery.SearchMode.EXACT, g.searchMode());
    enrolled.putAll(enrol(g, 999, 1000, r));
    builds.remove().run();
    assertEquals(Gallery.SearchMode.INDEX, g.searchMode());
    List<String> names = new ArrayList<>(enrolled.keySet());
    for (int i = 0; i < 600; i++) {
      g.remove(names.get(i));
    }
    assertEquals(Gallery.SearchMode.EXACT, g.searchMode());
    assertEquals(0, g.indexBytes());
    assertTrue(new Gallery(V1, DIM).indexSettings().threshold() >= 10_000);
  }
}
