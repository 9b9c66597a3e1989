package io.facegate.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * People split into train / validation / test: no identity is in two splits, so validation and test
 * measure faces the network has never seen. Each dataset is split on its own (so every dataset has
 * test people) with a seeded shuffle.
 *
 * @param train identities to learn from
 * @param validation identities for early stopping and threshold calibration
 * @param test identities for the reported figures
 */
public record IdentitySplit(List<String> train, List<String> validation, List<String> test) {

  /** Copies the lists; rejects an identity that appears in two splits. */
  public IdentitySplit {
    train = List.copyOf(train);
    validation = List.copyOf(validation);
    test = List.copyOf(test);
    List<String> all = new ArrayList<>(train);
    all.addAll(validation);
    all.addAll(test);
    if (all.stream().distinct().count() != all.size()) {
      throw new IllegalArgumentException("an identity appears in more than one split");
    }
  }

  /**
   * Splits each dataset's people by the given fractions (validation and test rounded, at least one
   * each when the dataset has three or more people; train gets the rest).
   *
   * @param seed makes the shuffle reproducible
   */
  public static IdentitySplit of(
      FaceDataset data, double validationFraction, double testFraction, long seed) {
    if (!(validationFraction > 0 && testFraction > 0 && validationFraction + testFraction < 1)) {
      throw new IllegalArgumentException(
          "validation and test fractions must be > 0 and sum to < 1");
    }
    List<String> train = new ArrayList<>();
    List<String> val = new ArrayList<>();
    List<String> test = new ArrayList<>();
    for (String dataset : data.datasets()) {
      List<String> ids = new ArrayList<>(data.identitiesOf(dataset));
      Collections.shuffle(ids, new Random(seed ^ dataset.hashCode()));
      int n = ids.size();
      if (n < 3) {
        throw new DatasetException(
            "dataset " + dataset + " has " + n + " identities; need at least 3 to split");
      }
      int nVal = Math.max(1, (int) Math.round(n * validationFraction));
      int nTest = Math.max(1, (int) Math.round(n * testFraction));
      if (nVal + nTest >= n) {
        throw new DatasetException(
            "dataset " + dataset + " has too few identities (" + n + ") for the split");
      }
      test.addAll(ids.subList(0, nTest));
      val.addAll(ids.subList(nTest, nTest + nVal));
      train.addAll(ids.subList(nTest + nVal, n));
    }
    Collections.sort(train);
    Collections.sort(val);
    Collections.sort(test);
    return new IdentitySplit(train, val, test);
  }

  /**
   * Splits each dataset's people into calibration people ({@link #validation()}, a rounded {@code
   * calibrationFraction} of them, at least one) and test people ({@link #test()}, the rest, at
   * least one); nobody is left to train on. The same seeded shuffle as {@link #of}.
   *
   * @throws DatasetException when a dataset has fewer than 2 people
   */
  public static IdentitySplit forCalibration(
      FaceDataset data, double calibrationFraction, long seed) {
    if (!(calibrationFraction > 0 && calibrationFraction < 1)) {
      throw new IllegalArgumentException(
          "calibration fraction must be in (0, 1), got " + calibrationFraction);
    }
    List<String> cal = new ArrayList<>();
    List<String> test = new ArrayList<>();
    for (String dataset : data.datasets()) {
      List<String> ids = new ArrayList<>(data.identitiesOf(dataset));
      Collections.shuffle(ids, new Random(seed ^ dataset.hashCode()));
      int n = ids.size();
      if (n < 2) {
        throw new DatasetException(
            "dataset " + dataset + " has " + n + " identities; need at least 2 to split");
      }
      int nCal = Math.min(n - 1, Math.max(1, (int) Math.round(n * calibrationFraction)));
      cal.addAll(ids.subList(0, nCal));
      test.addAll(ids.subList(nCal, n));
    }
    Collections.sort(cal);
    Collections.sort(test);
    return new IdentitySplit(List.of(), cal, test);
  }
}
