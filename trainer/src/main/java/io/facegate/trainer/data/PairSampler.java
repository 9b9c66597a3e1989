package io.facegate.trainer.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Balanced pairs for contrastive training: half the pairs are two different images of one person
 * (genuine), half are images of two different people (impostor), in a seeded order.
 */
public final class PairSampler {

  /**
   * A batch of pairs.
   *
   * @param left first image of each pair
   * @param right second image of each pair
   * @param same 1 for genuine pairs, 0 for impostor pairs
   */
  public record Pairs(List<FaceImageRef> left, List<FaceImageRef> right, float[] same) {}

  private final List<List<FaceImageRef>> withPairs;
  private final List<List<FaceImageRef>> all;

  /**
   * @param byIdentity the training people; at least two, and at least one with two images
   */
  public PairSampler(Map<String, List<FaceImageRef>> byIdentity) {
    this.all = List.copyOf(byIdentity.values());
    this.withPairs = all.stream().filter(l -> l.size() >= 2).toList();
    if (all.size() < 2 || withPairs.isEmpty()) {
      throw new DatasetException("pair sampling needs two identities and one with two images");
    }
  }

  /** {@code pairs} pairs, the first {@code pairs / 2} genuine, the rest impostor. */
  public Pairs sample(int pairs, Random random) {
    List<FaceImageRef> left = new ArrayList<>(pairs);
    List<FaceImageRef> right = new ArrayList<>(pairs);
    float[] same = new float[pairs];
    int genuine = pairs / 2;
    for (int i = 0; i < pairs; i++) {
      if (i < genuine) {
        List<FaceImageRef> person = withPairs.get(random.nextInt(withPairs.size()));
        int a = random.nextInt(person.size());
        int b = random.nextInt(person.size() - 1);
        left.add(person.get(a));
        right.add(person.get(b >= a ? b + 1 : b));
        same[i] = 1f;
      } else {
        int a = random.nextInt(all.size());
        int b = random.nextInt(all.size() - 1);
        List<FaceImageRef> p = all.get(a);
        List<FaceImageRef> q = all.get(b >= a ? b + 1 : b);
        left.add(p.get(random.nextInt(p.size())));
        right.add(q.get(random.nextInt(q.size())));
      }
    }
    return new Pairs(left, right, same);
  }
}
