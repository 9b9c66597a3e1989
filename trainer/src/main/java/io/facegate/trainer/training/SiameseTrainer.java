package io.facegate.trainer.training;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.model.preprocess.TrainingAugmenter;
import io.facegate.trainer.data.FaceDataset;
import io.facegate.trainer.data.FaceImageRef;
import io.facegate.trainer.data.IdentitySplit;
import io.facegate.trainer.data.ImageStore;
import io.facegate.trainer.data.PairSampler;
import io.facegate.trainer.data.PkBatchSampler;
import io.facegate.trainer.evaluation.PairDistances;
import io.facegate.trainer.evaluation.VerificationMetrics;
import io.facegate.trainer.loss.ContrastiveLoss;
import io.facegate.trainer.loss.TripletLoss;
import io.facegate.trainer.model.EmbeddingNetwork;
import io.facegate.trainer.model.NetworkConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains the embedding network on the training people and keeps the epoch with the best validation
 * EER (ties broken by validation loss). Deterministic for a given seed on CPU: the engine seed
 * fixes the weight initialisation, one {@link Random} drives sampling and augmentation.
 *
 * <p>A NaN or infinite loss (checked after every step) or validation embedding ends the run with a
 * {@link TrainingDivergedException} naming the epoch and step.
 */
public final class SiameseTrainer {

  private static final int VALIDATION_BATCHES = 4;

  private final TrainingOptions options;
  private final PrintStream progress;

  /** A trainer for these options, printing one line per epoch to {@code progress}. */
  public SiameseTrainer(TrainingOptions options, PrintStream progress) {
    this.options = options;
    this.progress = progress;
  }

  /** The outcome: the model (best epoch's weights), per-epoch and per-step history. */
  public record Result(
      TrainedModel model,
      List<EpochStats> epochs,
      List<Double> stepLosses,
      int bestEpoch,
      double trainSeconds) {}

  /**
   * Trains. The returned model holds the best epoch's weights, also saved under {@code
   * checkpointDir} when it is non-null.
   */
  public Result train(FaceDataset data, IdentitySplit split, ImageStore store, Path checkpointDir) {
    NetworkConfig network = options.network();
    Engine.getInstance().setRandomSeed((int) options.seed());
    Random random = new Random(options.seed());
    Map<String, List<FaceImageRef>> trainPeople = data.subset(split.train());
    Map<String, List<FaceImageRef>> valPeople = data.subset(split.validation());
    List<FaceImageRef> valImages = data.images(split.validation());
    int[] valLabels = labels(valImages);
    TrainingAugmenter augmenter = options.augment() ? TrainingAugmenter.defaults() : null;

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
    List<Batch> validationBatches =
        validationBatches(valPeople, store, new Random(options.seed() + 1));

    int totalSteps = options.epochs() * options.stepsPerEpoch();
    Tracker lr =
        Tracker.cosine()
            .setBaseValue(options.learningRate())
            .optFinalValue(options.learningRate() * 0.05f)
            .setMaxUpdates(totalSteps)
            .build();
    Adam adam =
        Adam.builder().optLearningRateTracker(lr).optWeightDecays(options.weightDecay()).build();

    Model model = Model.newInstance("facegate-embedding", "PyTorch");
    boolean ok = false;
    try {
      model.setBlock(EmbeddingNetwork.build(network));
      TrainedModel trained = new TrainedModel(model, network, store.preprocessor().spec());
      List<EpochStats> history = new ArrayList<>();
      List<Double> stepLosses = new ArrayList<>();
      Map<String, float[]> best = null;
      int bestEpoch = 0;
      double bestEer = Double.POSITIVE_INFINITY;
      double bestValLoss = Double.POSITIVE_INFINITY;
      long start = System.nanoTime();
      try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(adam))) {
        trainer.initialize(EmbeddingNetwork.inputShape(network, options.imagesPerStep()));
        for (int epoch = 1; epoch <= options.epochs(); epoch++) {
          long epochStart = System.nanoTime();
          double sum = 0;
          for (int step = 0; step < options.stepsPerEpoch(); step++) {
            Batch batch =
                pairs != null
                    ? pairBatch(
                        pairs.sample(options.pairsPerStep(), random), store, augmenter, random)
                    : pkBatch(pk.sample(random), store, augmenter, random);
            double value = step(trainer, loss, batch, network);
            if (!Double.isFinite(value)) {
              throw new TrainingDivergedException(
                  "training diverged: "
                      + options.loss()
                      + " loss is "
                      + value
                      + " at epoch "
                      + epoch
                      + ", step "
                      + (step + 1)
                      + " of "
                      + options.stepsPerEpoch()
                      + " (learning rate "
                      + options.learningRate()
                      + "; try a lower one)");
            }
            stepLosses.add(value);
            sum += value;
          }
          double trainLoss = sum / options.stepsPerEpoch();
          double valLoss = validationLoss(trained, loss, validationBatches);
          if (!Double.isFinite(valLoss)) {
            throw new TrainingDivergedException(
                "training diverged: validation loss is " + valLoss + " after epoch " + epoch);
          }
          float[][] emb = trained.embed(valImages, store);
          PairDistances valPairs;
          try {
            valPairs = PairDistances.allPairs(emb, valLabels);
          } catch (IllegalArgumentException e) {
            throw new TrainingDivergedException(
                "training diverged: validation embeddings after epoch "
                    + epoch
                    + ": "
                    + e.getMessage(),
                e);
          }
          double valEer = VerificationMetrics.equalErrorRate(valPairs)[0];
          double seconds = (System.nanoTime() - epochStart) / 1e9;
          history.add(new EpochStats(epoch, trainLoss, valLoss, valEer, seconds));
          boolean better =
              valEer < bestEer - 1e-12 || (valEer <= bestEer + 1e-12 && valLoss < bestValLoss);
          if (better) {
            bestEer = valEer;
            bestValLoss = valLoss;
            bestEpoch = epoch;
            best = snapshot(trained);
          }
          double elapsed = (System.nanoTime() - start) / 1e9;
          double eta = elapsed / epoch * (options.epochs() - epoch);
          progress.printf(
              "epoch %3d/%d  train-loss %.4f  val-loss %.4f  val-EER %.4f  %5.1f s/epoch  ETA %s%s%n",
              epoch,
              options.epochs(),
              trainLoss,
              valLoss,
              valEer,
              seconds,
              duration(eta),
              better ? "  *best*" : "");
          if (epoch - bestEpoch >= options.patience()) {
            progress.printf(
                "early stop: no better validation EER for %d epochs; best epoch %d (val-EER %.4f)%n",
                options.patience(), bestEpoch, bestEer);
            break;
          }
        }
      }
      restore(trained, best);
      if (checkpointDir != null) {
        Files.createDirectories(checkpointDir);
        model.setProperty("Epoch", Integer.toString(bestEpoch));
        model.save(checkpointDir, "facegate-best");
      }
      ok = true;
      return new Result(
          trained,
          List.copyOf(history),
          List.copyOf(stepLosses),
          bestEpoch,
          (System.nanoTime() - start) / 1e9);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint: " + e.getMessage(), e);
    } finally {
      if (!ok) {
        model.close();
      }
    }
  }

  /** One training batch: images plus the labels the loss needs. */
  private record Batch(float[] images, int count, float[] labels) {}

  private Batch pairBatch(
      PairSampler.Pairs p, ImageStore store, TrainingAugmenter aug, Random random) {
    List<FaceImageRef> refs = new ArrayList<>(p.left());
    refs.addAll(p.right());
    return new Batch(store.batch(refs, aug, random), refs.size(), p.same());
  }

  private Batch pkBatch(
      PkBatchSampler.Batch b, ImageStore store, TrainingAugmenter aug, Random random) {
    float[] labels = new float[b.labels().length];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = b.labels()[i];
    }
    return new Batch(store.batch(b.images(), aug, random), b.images().size(), labels);
  }

  private static double step(Trainer trainer, Loss loss, Batch batch, NetworkConfig network) {
    try (NDManager manager = trainer.getManager().newSubManager()) {
      NDArray x =
          manager.create(batch.images(), EmbeddingNetwork.inputShape(network, batch.count()));
      NDArray y = manager.create(batch.labels());
      double value;
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDList out = trainer.forward(new NDList(x));
        NDArray l = loss.evaluate(new NDList(y), out);
        collector.backward(l);
        value = l.getFloat();
      }
      trainer.step();
      return value;
    }
  }

  private List<Batch> validationBatches(
      Map<String, List<FaceImageRef>> valPeople, ImageStore store, Random random) {
    List<Batch> batches = new ArrayList<>();
    for (int i = 0; i < VALIDATION_BATCHES; i++) {
      if (options.loss() == LossKind.CONTRASTIVE) {
        batches.add(
            pairBatch(
                new PairSampler(valPeople).sample(options.pairsPerStep(), random),
                store,
                null,
                random));
      } else {
        int p = Math.min(options.identitiesPerStep(), valPeople.size());
        batches.add(
            pkBatch(
                new PkBatchSampler(valPeople, p, options.imagesPerIdentity()).sample(random),
                store,
                null,
                random));
      }
    }
    return batches;
  }

  private static double validationLoss(TrainedModel model, Loss loss, List<Batch> batches) {
    double sum = 0;
    for (Batch b : batches) {
      try (NDManager manager = model.model().getNDManager().newSubManager()) {
        NDArray x =
            manager.create(b.images(), EmbeddingNetwork.inputShape(model.network(), b.count()));
        NDList out =
            model.block().forward(new ParameterStore(manager, false), new NDList(x), false);
        sum += loss.evaluate(new NDList(manager.create(b.labels())), out).getFloat();
      }
    }
    return sum / batches.size();
  }

  private static Map<String, float[]> snapshot(TrainedModel model) {
    Map<String, float[]> copy = new HashMap<>();
    for (Pair<String, Parameter> p : model.block().getParameters()) {
      copy.put(p.getKey(), p.getValue().getArray().toFloatArray());
    }
    return copy;
  }

  private static void restore(TrainedModel model, Map<String, float[]> snapshot) {
    if (snapshot == null) {
      return;
    }
    for (Pair<String, Parameter> p : model.block().getParameters()) {
      p.getValue().getArray().set(snapshot.get(p.getKey()));
    }
  }

  /** Person index of each image, in order of first appearance. */
  public static int[] labels(List<FaceImageRef> images) {
    Map<String, Integer> ids = new HashMap<>();
    int[] labels = new int[images.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = ids.computeIfAbsent(images.get(i).identity(), k -> ids.size());
    }
    return labels;
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 60 ? (s / 60) + "m" + String.format("%02d", s % 60) + "s" : s + "s";
  }

  /** The shape of one batch for the given config, for callers that initialise blocks. */
  public static Shape inputShape(NetworkConfig network, int batch) {
    return EmbeddingNetwork.inputShape(network, batch);
  }

  /** Convenience: the pre-processor for these options. */
  public Preprocessor preprocessor() {
    return new Preprocessor(options.preprocess());
  }
}
