package io.facegate.trainer.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.preprocess.ImageFormat;
import io.facegate.trainer.data.FaceImageRef;
import io.facegate.trainer.evaluation.PairDistances;
import io.facegate.trainer.evaluation.VerificationMetrics;
import io.facegate.trainer.training.LossKind;
import io.facegate.trainer.training.TrainingOptions;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The head learns on cached embeddings: where a backbone's embedding mixes identity with a stronger
 * nuisance, training lowers the validation EER; a seed gives the same head twice; a non-finite loss
 * stops training with an error.
 */
class HeadTrainerTest {

  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  private static final int DIM = 16;

  /** Identity in the first 4 values, a larger per-image nuisance in the other 12, L2-normalised. */
  private static Map<String, List<FaceImageRef>> people(
      String prefix, int count, Map<FaceImageRef, float[]> rows, Random random) {
    Map<String, List<FaceImageRef>> out = new LinkedHashMap<>();
    for (int p = 0; p < count; p++) {
      String id = "syn/" + prefix + p;
      float[] centre = new float[4];
      for (int k = 0; k < 4; k++) {
        centre[k] = (float) random.nextGaussian();
      }
      List<FaceImageRef> images = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        FaceImageRef ref = new FaceImageRef(Path.of(id, i + ".pgm"), "syn", id, ImageFormat.PGM);
        float[] v = new float[DIM];
        double norm = 0;
        for (int k = 0; k < DIM; k++) {
          v[k] =
              k < 4
                  ? centre[k] + 0.1f * (float) random.nextGaussian()
                  : 0.8f * (float) random.nextGaussian();
          norm += v[k] * v[k];
        }
        for (int k = 0; k < DIM; k++) {
          v[k] /= (float) Math.sqrt(norm);
        }
        rows.put(ref, v);
        images.add(ref);
      }
      out.put(id, images);
    }
    return out;
  }

  private record Problem(
      EmbeddingCache cache,
      Map<String, List<FaceImageRef>> train,
      Map<String, List<FaceImageRef>> val) {}

  private static Problem problem(boolean poisoned) {
    Random random = new Random(4);
    Map<FaceImageRef, float[]> rows = new HashMap<>();
    Map<String, List<FaceImageRef>> train = people("t", 24, rows, random);
    Map<String, List<FaceImageRef>> val = people("v", 8, rows, random);
    if (poisoned) {
      // a training row, chosen deterministically (a validation row would stop the run before any
      // step)
      String first = new java.util.TreeSet<>(train.keySet()).first();
      rows.get(train.get(first).get(0))[0] = Float.NaN;
    }
    return new Problem(EmbeddingCache.of(rows, DIM), train, val);
  }

  private static FinetuneOptions linear() {
    return linear(FinetuneOptions.HeadStart.RAW);
  }

  private static FinetuneOptions linear(FinetuneOptions.HeadStart start) {
    return new FinetuneOptions(
        new Backbone("synthetic", Path.of("model.onnx")),
        FinetuneOptions.HeadKind.LINEAR,
        null,
        start,
        false,
        DeviceSpec.cpu(),
        1);
  }

  private static double valEer(ProjectionHead head, Problem p) {
    List<FaceImageRef> images = p.val().values().stream().flatMap(List::stream).toList();
    return VerificationMetrics.equalErrorRate(
        PairDistances.allPairs(head.embed(p.cache().rows(images)), HeadTrainer.labels(p.val())))[0];
  }

  @Test
  void trainingSuppressesTheNuisanceAndLowersTheValidationEer() {
    Problem p = problem(false);
    TrainingOptions o = FinetuneSmokeTest.options(LossKind.TRIPLET, 15, 10);
    TrainingOptions fast =
        new TrainingOptions(
            o.seed(),
            o.loss(),
            o.epochs(),
            o.stepsPerEpoch(),
            o.pairsPerStep(),
            o.identitiesPerStep(),
            o.imagesPerIdentity(),
            1e-2f,
            o.weightDecay(),
            o.margin(),
            o.patience(),
            o.augment(),
            o.inputSize(),
            o.inputChannels(),
            o.channels(),
            o.pooling(),
            o.embeddingDim(),
            o.validationFraction(),
            o.testFraction(),
            o.targetFar(),
            o.mining());
    HeadTrainer.Result r =
        new HeadTrainer(fast, linear(), QUIET).train(p.cache(), p.train(), p.val());
    try (ProjectionHead head = r.head()) {
      double after = valEer(head, p);
      assertTrue(r.bestEpoch() > 0, "an epoch beat the start");
      assertTrue(
          after < r.startValidationEer() - 0.05,
          "validation EER " + r.startValidationEer() + " -> " + after);
    }
  }

  @Test
  void theSameSeedGivesTheSameHead() {
    Problem p = problem(false);
    List<float[]> first = weights(p);
    List<float[]> second = weights(p);
    assertEquals(first.size(), second.size());
    for (int i = 0; i < first.size(); i++) {
      assertArrayEquals(first.get(i), second.get(i));
    }
  }

  private static List<float[]> weights(Problem p) {
    HeadTrainer.Result r =
        new HeadTrainer(FinetuneSmokeTest.options(LossKind.CONTRASTIVE, 3, 5), linear(), QUIET)
            .train(p.cache(), p.train(), p.val());
    try (ProjectionHead head = r.head()) {
      return head.layers().stream()
          .flatMap(d -> java.util.stream.Stream.of(d.weight(), d.bias()))
          .toList();
    }
  }

  @Test
  void aNonFiniteLossStopsTrainingWithAnError() {
    Problem p = problem(true);
    IllegalStateException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                assertThrows(
                    IllegalStateException.class,
                    () ->
                        new HeadTrainer(
                                FinetuneSmokeTest.options(LossKind.TRIPLET, 50, 10),
                                linear(),
                                QUIET)
                            .train(p.cache(), p.train(), p.val())));
    assertTrue(e.getMessage().contains("fine-tuning diverged"), e.getMessage());
  }

  @Test
  void theBestStartIsTheWhiteningThatSuppressesTheNuisanceWhenItWinsOnValidation() {
    Problem p = problem(false);
    TrainingOptions o = FinetuneSmokeTest.options(LossKind.TRIPLET, 1, 1);
    HeadTrainer.Result raw =
        new HeadTrainer(o, linear(FinetuneOptions.HeadStart.RAW), QUIET)
            .train(p.cache(), p.train(), p.val());
    HeadTrainer.Result best =
        new HeadTrainer(o, linear(FinetuneOptions.HeadStart.BEST), QUIET)
            .train(p.cache(), p.train(), p.val());
    raw.head().close();
    try (ProjectionHead head = best.head()) {
      assertEquals("raw", raw.start());
      assertTrue(best.start().startsWith("whitened a="), best.start());
      assertTrue(
          best.startValidationEer() < raw.startValidationEer() - 0.05,
          "start val-EER raw " + raw.startValidationEer() + " vs " + best.startValidationEer());
      if (best.bestEpoch() == 0) {
        assertEquals(best.startValidationEer(), valEer(head, p), 1e-9);
      }
    }
  }

  @Test
  void aNonFiniteTrainingEmbeddingStopsTheWhiteningWithAnError() {
    Problem p = problem(true);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new HeadTrainer(
                        FinetuneSmokeTest.options(LossKind.TRIPLET, 1, 1),
                        linear(FinetuneOptions.HeadStart.WHITENED),
                        QUIET)
                    .train(p.cache(), p.train(), p.val()));
    assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
  }
}
