package io.facegate.trainer.evaluation;

import io.facegate.model.embedding.EuclideanDistance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One-shot N-way identification, as a door would use enrolment: each of the N people is enrolled
 * with one image; every other image is a probe, identified as the enrolled person nearest in
 * Euclidean distance. The accuracy is averaged over {@code trials} seeded choices of the enrolled
 * images. People with a single image are enrolled (they are distractors) but never probed.
 */
public final class OneShotIdentification {

  private OneShotIdentification() {}

  /**
   * Fraction of probes identified correctly, averaged over the trials.
   *
   * @throws IllegalArgumentException if an embedding is missing or not finite (naming the image)
   */
  public static double accuracy(float[][] embeddings, int[] labels, int trials, long seed) {
    if (labels.length != embeddings.length) {
      throw new IllegalArgumentException(
          embeddings.length + " embeddings but " + labels.length + " labels");
    }
    PairDistances.requireFiniteRows(embeddings);
    Map<Integer, List<Integer>> byPerson = new LinkedHashMap<>();
    for (int i = 0; i < labels.length; i++) {
      byPerson.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
    }
    if (byPerson.size() < 2) {
      throw new IllegalArgumentException("one-shot identification needs at least two people");
    }
    Random random = new Random(seed);
    long correct = 0;
    long probes = 0;
    for (int t = 0; t < trials; t++) {
      int[] enrolled = new int[byPerson.size()];
      int[] enrolledLabel = new int[byPerson.size()];
      int p = 0;
      for (Map.Entry<Integer, List<Integer>> e : byPerson.entrySet()) {
        List<Integer> imgs = e.getValue();
        enrolled[p] = imgs.get(random.nextInt(imgs.size()));
        enrolledLabel[p] = e.getKey();
        p++;
      }
      for (int i = 0; i < labels.length; i++) {
        if (isEnrolled(enrolled, i)) {
          continue;
        }
        int best = -1;
        double bestD = Double.POSITIVE_INFINITY;
        for (int e = 0; e < enrolled.length; e++) {
          double d = EuclideanDistance.between(embeddings[i], embeddings[enrolled[e]]);
          if (d < bestD) {
            bestD = d;
            best = e;
          }
        }
        probes++;
        if (enrolledLabel[best] == labels[i]) {
          correct++;
        }
      }
    }
    if (probes == 0) {
      throw new IllegalArgumentException("no probe images: every person has one image");
    }
    return (double) correct / probes;
  }

  private static boolean isEnrolled(int[] enrolled, int i) {
    for (int e : enrolled) {
      if (e == i) {
        return true;
      }
    }
    return false;
  }
}
