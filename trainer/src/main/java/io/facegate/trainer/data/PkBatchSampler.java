package io.facegate.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Batches for online triplet mining: P distinct identities, K images each (drawn without
 * replacement while the person has enough, with replacement otherwise), in a seeded order.
 */
public final class PkBatchSampler {

  /**
   * One P x K batch.
   *
   * @param images P*K images, person by person
   * @param labels the person index (0..P-1) of each image
   */
  public record Batch(List<FaceImageRef> images, int[] labels) {}

  private final List<List<FaceImageRef>> people;
  private final int p;
  private final int k;

  /**
   * @param byIdentity training people
   * @param p identities per batch (at most the number of people)
   * @param k images per identity (at least 2)
   */
  public PkBatchSampler(Map<String, List<FaceImageRef>> byIdentity, int p, int k) {
    this.people = List.copyOf(byIdentity.values());
    if (p < 2 || p > people.size()) {
      throw new DatasetException(
          "P (identities per batch) must be in [2, " + people.size() + "], got " + p);
    }
    if (k < 2) {
      throw new DatasetException("K (images per identity) must be >= 2, got " + k);
    }
    this.p = p;
    this.k = k;
  }

  /** Images per batch. */
  public int batchSize() {
    return p * k;
  }

  /** One batch. */
  public Batch sample(Random random) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < people.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    List<FaceImageRef> images = new ArrayList<>(p * k);
    int[] labels = new int[p * k];
    for (int i = 0; i < p; i++) {
      List<FaceImageRef> person = new ArrayList<>(people.get(order.get(i)));
      if (person.size() >= k) {
        Collections.shuffle(person, random);
        images.addAll(person.subList(0, k));
      } else {
        for (int j = 0; j < k; j++) {
          images.add(person.get(random.nextInt(person.size())));
        }
      }
      for (int j = 0; j < k; j++) {
        labels[i * k + j] = i;
      }
    }
    return new Batch(images, labels);
  }
}
