package io.facegate.trainer.finetune;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import io.facegate.trainer.data.FaceImageRef;
import io.facegate.trainer.data.PairSampler;
import io.facegate.trainer.data.PkBatchSampler;
import io.facegate.trainer.evaluation.PairDistances;
import io.facegate.trainer.evaluation.VerificationMetrics;
import io.facegate.trainer.loss.ContrastiveLoss;
import io.facegate.trainer.loss.TripletLoss;
import io.facegate.trainer.training.EpochStats;
import io.facegate.trainer.training.LossKind;
import io.facegate.trainer.training.TrainingOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains a {@link ProjectionHead} on cached backbone embeddings with the project's losses (triplet
 * on P x K batches, or contrastive on balanced pairs), Adam with a cosine schedule, and keeps the
 * epoch with the best validation EER (per dataset, averaged over the datasets). Epoch 0 is the
 * starting head, the closed-form map ({@link HeadStarts}: raw backbone or within-person whitening)
 * with the best validation EER: an epoch must beat it on the validation people to be kept, so
 * fine-tuning never hands back something worse than it started from on validation. Deterministic
 * for a seed: the start is computed, one {@link Random} drives sampling and flips.
 */
public final class HeadTrainer {

  private static final int VALIDATION_BATCHES = 4;

  private final TrainingOptions options;
  private final FinetuneOptions finetune;
  private final PrintStream progress;

  /** A trainer printing one line per epoch to {@code progress}. */
  public HeadTrainer(TrainingOptions options, FinetuneOptions finetune, PrintStream progress) {
    this.options = options;
    this.finetune = finetune;
    this.progress = progress;
  }

  /**
   * The outcome.
   *
   * @param head the best epoch's head (epoch 0 = the starting head)
   * @param epochs per-epoch history from epoch 1
   * @param stepLosses every step's training loss
   * @param bestEpoch the epoch kept, 0 when no epoch beat the start on validation
   * @param start the closed-form start chosen on validation ({@link HeadStarts}), e.g. {@code raw}
   * @param startValidationEer validation EER of the starting head
   * @param trainSeconds wall-clock training time
   */
  public record Result(
      ProjectionHead head,
      List<EpochStats> epochs,
      List<Double> stepLosses,
      int bestEpoch,
      String start,
      double startValidationEer,
      double trainSeconds) {}

  /**
   * Trains on {@code trainPeople}, validates on {@code valPeople} (identity to usable images).
   *
   * @throws IllegalStateException when a step's loss is not finite
   */
  public Result train(
      EmbeddingCache cache,
      Map<String, List<FaceImageRef>> trainPeople,
      Map<String, List<FaceImageRef>> valPeople) {
    Engine.getInstance().setRandomSeed((int) options.seed());
    Random random = new Random(options.seed());
    int inDim = cache.dim();
    int outDim = finetune.headDim(inDim);
    List<FaceImageRef> trainImages = trainPeople.values().stream().flatMap(List::stream).toList();
    List<ValidationSet> valSets = validationSets(valPeople, cache);
    Start origin = chooseStart(cache, trainPeople, trainImages, valSets, inDim, outDim);

    Loss loss =
        options.loss() == LossKind.CONTRASTIVE
            ? new ContrastiveLoss(options.margin())
            : new TripletLoss(options.margin(), options.mining());
    PairSampler pairs =
        options.loss() == LossKind.CONTRASTIVE ? new PairSampler(trainPeople) : null;
    PkBatchSampler pk =
        options.loss() == LossKind.TRIPLET
            ? new PkBatchSampler(
                trainPeople,
                Math.min(options.identitiesPerStep(), trainPeople.size()),
                options.imagesPerIdentity())
            : null;
    List<Batch> validation = validationBatches(valPeople, cache, new Random(options.seed() + 1));
    int totalSteps = options.epochs() * options.stepsPerEpoch();
    Tracker lr =
        Tracker.cosine()
            .setBaseValue(options.learningRate())
            .optFinalValue(options.learningRate() * 0.05f)
            .setMaxUpdates(totalSteps)
            .build();
    Adam adam =
        Adam.builder().optLearningRateTracker(lr).optWeightDecays(options.weightDecay()).build();

    ProjectionHead head = ProjectionHead.create(finetune.head(), inDim, outDim, origin.map());
    boolean ok = false;
    try {
      Map<String, float[]> start = head.snapshot();
      List<EpochStats> history = new ArrayList<>();
      List<Double> stepLosses = new ArrayList<>();
      long t0 = System.nanoTime();
      try (Trainer trainer =
          head.model().newTrainer(new DefaultTrainingConfig(loss).optOptimizer(adam))) {
        trainer.initialize(new Shape(options.imagesPerStep(), inDim));
        // initialising the trainer draws fresh weights: put the computed start back
        head.restore(start);
        double startEer = eer(head, valSets);
        double startLoss = validationLoss(head, loss, validation);
        progress.printf(
            "epoch   0 (start: %s)  val-loss %.4f  val-EER %.4f%n",
            origin.name(), startLoss, startEer);
        Map<String, float[]> best = start;
        int bestEpoch = 0;
        double bestEer = startEer;
        double bestLoss = startLoss;
        for (int epoch = 1; epoch <= options.epochs(); epoch++) {
          long e0 = System.nanoTime();
          double sum = 0;
          for (int step = 0; step < options.stepsPerEpoch(); step++) {
            Batch batch =
                pairs != null
                    ? pairBatch(
                        pairs.sample(options.pairsPerStep(), random),
                        cache,
                        random,
                        finetune.flip())
                    : pkBatch(pk.sample(random), cache, random, finetune.flip());
            double value = step(trainer, loss, batch, inDim);
            if (!Double.isFinite(value)) {
              throw new IllegalStateException(
                  "fine-tuning diverged: loss "
                      + value
                      + " at epoch "
                      + epoch
                      + ", step "
                      + (step + 1)
                      + " (try a lower --learning-rate)");
            }
            stepLosses.add(value);
            sum += value;
          }
          double valLoss = validationLoss(head, loss, validation);
          double valEer = eer(head, valSets);
          double seconds = (System.nanoTime() - e0) / 1e9;
          history.add(
              new EpochStats(epoch, sum / options.stepsPerEpoch(), valLoss, valEer, seconds));
          boolean better =
              valEer < bestEer - 1e-12 || (valEer <= bestEer + 1e-12 && valLoss < bestLoss);
          if (better) {
            bestEer = valEer;
            bestLoss = valLoss;
            bestEpoch = epoch;
            best = head.snapshot();
          }
          progress.printf(
              "epoch %3d/%d  train-loss %.4f  val-loss %.4f  val-EER %.4f  %5.2f s/epoch%s%n",
              epoch,
              options.epochs(),
              sum / options.stepsPerEpoch(),
              valLoss,
              valEer,
              seconds,
              better ? "  *best*" : "");
          if (epoch - bestEpoch >= options.patience()) {
            progress.printf(
                "early stop: no better validation EER for %d epochs; best epoch %d (val-EER %.4f)%n",
                options.patience(), bestEpoch, bestEer);
            break;
          }
        }
        head.restore(best);
        ok = true;
        return new Result(
            head,
            List.copyOf(history),
            List.copyOf(stepLosses),
            bestEpoch,
            origin.name(),
            startEer,
            (System.nanoTime() - t0) / 1e9);
      }
    } finally {
      if (!ok) {
        head.close();
      }
    }
  }

  private record Start(String name, ProjectionHead.Dense map) {}

  /**
   * The closed-form start with the lowest validation EER (ties: the first, so raw before whitened).
   * Fitted on the training rows, with their mirrored copies when flipping is on.
   */
  private Start chooseStart(
      EmbeddingCache cache,
      Map<String, List<FaceImageRef>> trainPeople,
      List<FaceImageRef> trainImages,
      List<ValidationSet> valSets,
      int inDim,
      int outDim) {
    float[][] rows = cache.rows(trainImages);
    int[] labels = labels(trainPeople);
    if (finetune.flip()) {
      float[][] both = Arrays.copyOf(rows, 2 * rows.length);
      int[] bothLabels = Arrays.copyOf(labels, 2 * labels.length);
      for (int i = 0; i < rows.length; i++) {
        both[rows.length + i] = cache.getMirrored(trainImages.get(i));
        bothLabels[rows.length + i] = labels[i];
      }
      rows = both;
      labels = bothLabels;
    }
    Start best = null;
    double bestEer = Double.POSITIVE_INFINITY;
    for (HeadStarts.Candidate c :
        HeadStarts.candidates(finetune.headStart(), rows, labels, outDim, options.seed())) {
      double e;
      try (ProjectionHead h = ProjectionHead.create(finetune.head(), inDim, outDim, c.map())) {
        e = eer(h, valSets);
      }
      progress.printf("start %-16s val-EER %.4f%n", c.name(), e);
      if (e < bestEer) {
        bestEer = e;
        best = new Start(c.name(), c.map());
      }
    }
    if (best == null) {
      throw new IllegalStateException(
          "no head start has a finite validation EER (are the validation embeddings finite?)");
    }
    return best;
  }

  private record Batch(float[] rows, int count, float[] labels) {}

  private static Batch pairBatch(
      PairSampler.Pairs p, EmbeddingCache cache, Random random, boolean flip) {
    List<FaceImageRef> refs = new ArrayList<>(p.left());
    refs.addAll(p.right());
    return new Batch(rows(refs, cache, random, flip), refs.size(), p.same());
  }

  private static Batch pkBatch(
      PkBatchSampler.Batch b, EmbeddingCache cache, Random random, boolean flip) {
    float[] labels = new float[b.labels().length];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = b.labels()[i];
    }
    return new Batch(rows(b.images(), cache, random, flip), b.images().size(), labels);
  }

  private static float[] rows(
      List<FaceImageRef> refs, EmbeddingCache cache, Random random, boolean flip) {
    int d = cache.dim();
    float[] out = new float[refs.size() * d];
    for (int i = 0; i < refs.size(); i++) {
      boolean mirrored = flip && random.nextBoolean();
      float[] v = mirrored ? cache.getMirrored(refs.get(i)) : cache.get(refs.get(i));
      System.arraycopy(v, 0, out, i * d, d);
    }
    return out;
  }

  private static double step(Trainer trainer, Loss loss, Batch batch, int inDim) {
    try (NDManager manager = trainer.getManager().newSubManager()) {
      NDArray x = manager.create(batch.rows(), new Shape(batch.count(), inDim));
      NDArray y = manager.create(batch.labels());
      double value;
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDList out = trainer.forward(new NDList(x));
        NDArray l = loss.evaluate(new NDList(y), out);
        value = l.getFloat();
        if (!Double.isFinite(value)) {
          return value;
        }
        collector.backward(l);
      }
      trainer.step();
      return value;
    }
  }

  private List<Batch> validationBatches(
      Map<String, List<FaceImageRef>> valPeople, EmbeddingCache cache, Random random) {
    List<Batch> batches = new ArrayList<>();
    for (int i = 0; i < VALIDATION_BATCHES; i++) {
      if (options.loss() == LossKind.CONTRASTIVE) {
        batches.add(
            pairBatch(
                new PairSampler(valPeople).sample(options.pairsPerStep(), random),
                cache,
                random,
                false));
      } else {
        int p = Math.min(options.identitiesPerStep(), valPeople.size());
        batches.add(
            pkBatch(
                new PkBatchSampler(valPeople, p, options.imagesPerIdentity()).sample(random),
                cache,
                random,
                false));
      }
    }
    return batches;
  }

  private static double validationLoss(ProjectionHead head, Loss loss, List<Batch> batches) {
    double sum = 0;
    for (Batch b : batches) {
      try (NDManager manager = head.model().getNDManager().newSubManager()) {
        NDArray x = manager.create(b.rows(), new Shape(b.count(), head.inDim()));
        NDList out = head.block().forward(new ParameterStore(manager, false), new NDList(x), false);
        sum += loss.evaluate(new NDList(manager.create(b.labels())), out).getFloat();
      }
    }
    return sum / batches.size();
  }

  /** One dataset's validation people: their embeddings and person labels. */
  private record ValidationSet(float[][] rows, int[] labels) {}

  /** The validation people split by dataset, in the order the datasets first appear. */
  private static List<ValidationSet> validationSets(
      Map<String, List<FaceImageRef>> valPeople, EmbeddingCache cache) {
    Map<String, Map<String, List<FaceImageRef>>> byDataset = new LinkedHashMap<>();
    valPeople.forEach(
        (person, images) ->
            byDataset
                .computeIfAbsent(images.get(0).dataset(), k -> new LinkedHashMap<>())
                .put(person, images));
    List<ValidationSet> sets = new ArrayList<>();
    for (Map<String, List<FaceImageRef>> people : byDataset.values()) {
      List<FaceImageRef> images = people.values().stream().flatMap(List::stream).toList();
      sets.add(new ValidationSet(cache.rows(images), labels(people)));
    }
    return sets;
  }

  /**
   * The validation EER: each dataset's EER over its own people's pairs, averaged over the datasets.
   * Every dataset counts the same however many pairs it has, as the targets are per dataset; with
   * one dataset it is that dataset's EER.
   */
  private static double eer(ProjectionHead head, List<ValidationSet> sets) {
    double sum = 0;
    for (ValidationSet set : sets) {
      sum +=
          VerificationMetrics.equalErrorRate(
              PairDistances.allPairs(head.embed(set.rows()), set.labels()))[0];
    }
    return sum / sets.size();
  }

  /** Person index of each image, identity by identity, in map order. */
  static int[] labels(Map<String, List<FaceImageRef>> people) {
    int[] labels = new int[people.values().stream().mapToInt(List::size).sum()];
    int i = 0;
    int person = 0;
    for (List<FaceImageRef> images : people.values()) {
      for (int k = 0; k < images.size(); k++) {
        labels[i++] = person;
      }
      person++;
    }
    return labels;
  }
}
