package io.facegate.cli.replay;

import io.facegate.trainer.data.FaceDataset;
import io.facegate.trainer.data.FaceImageRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Who is enrolled with which images, who stays un-enrolled as an impostor, and which images are
 * replayed as camera events. People, not images, are split: an impostor's images are never
 * enrolled, and an enrolled person's probe images are never among their enrollment images.
 *
 * @param enrollments enrolled identity -> the images its template is built from
 * @param impostors identities kept out of the gallery
 * @param probes every image replayed as a camera event, in publishing order
 */
public record ReplayPlan(
    Map<String, List<FaceImageRef>> enrollments, List<String> impostors, List<Probe> probes) {

  /**
   * One replayed image and its ground truth, which never travels with the event.
   *
   * @param image the face image
   * @param identity who it really is
   * @param enrolled whether that person is in the gallery (a GRANT is then correct only for them)
   */
  public record Probe(FaceImageRef image, String identity, boolean enrolled) {}

  /** Copies the collections. */
  public ReplayPlan {
    enrollments = Collections.unmodifiableMap(new LinkedHashMap<>(enrollments));
    impostors = List.copyOf(impostors);
    probes = List.copyOf(probes);
  }

  /**
   * Splits a dataset. Each person is an impostor with probability {@code unknownFraction} (rounded
   * to a count, at least one impostor when the fraction is positive and there are two people or
   * more); every other person is enrolled with their first {@code enrollPerPerson} images in a
   * seeded shuffle, the rest of their images become probes. Probes are shuffled with the same seed
   * so impostors and genuine users interleave as at a real door.
   *
   * @throws IllegalArgumentException when the numbers make no plan (no one to enrol, K &lt; 1)
   */
  public static ReplayPlan create(
      FaceDataset dataset, int enrollPerPerson, double unknownFraction, long seed) {
    if (enrollPerPerson < 1) {
      throw new IllegalArgumentException(
          "--enroll-per-person must be at least 1, was " + enrollPerPerson);
    }
    if (!(unknownFraction >= 0 && unknownFraction < 1)) {
      throw new IllegalArgumentException(
          "--unknown-fraction must be in [0, 1), was " + unknownFraction);
    }
    Random random = new Random(seed);
    List<String> people = new ArrayList<>(dataset.identities());
    Collections.shuffle(people, random);
    int impostorCount = (int) Math.round(people.size() * unknownFraction);
    if (unknownFraction > 0 && impostorCount == 0 && people.size() > 1) {
      impostorCount = 1;
    }
    if (impostorCount >= people.size()) {
      throw new IllegalArgumentException(
          "--unknown-fraction "
              + unknownFraction
              + " leaves no one to enrol among "
              + people.size()
              + " people");
    }
    List<String> impostors = new ArrayList<>(people.subList(0, impostorCount));
    Collections.sort(impostors);
    Map<String, List<FaceImageRef>> enrollments = new LinkedHashMap<>();
    List<Probe> probes = new ArrayList<>();
    for (String person : people.subList(impostorCount, people.size()).stream().sorted().toList()) {
      List<FaceImageRef> images = new ArrayList<>(dataset.images(person));
      Collections.shuffle(images, random);
      int k = Math.min(enrollPerPerson, images.size());
      enrollments.put(person, List.copyOf(images.subList(0, k)));
      for (FaceImageRef probe : images.subList(k, images.size())) {
        probes.add(new Probe(probe, person, true));
      }
    }
    for (String impostor : impostors) {
      for (FaceImageRef probe : dataset.images(impostor)) {
        probes.add(new Probe(probe, impostor, false));
      }
    }
    Collections.shuffle(probes, random);
    return new ReplayPlan(enrollments, impostors, probes);
  }
}
