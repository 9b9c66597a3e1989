package io.facegate.trainer.training;

import io.facegate.trainer.loss.TripletLoss;
import io.facegate.trainer.model.NetworkConfig;
import java.util.Arrays;
import java.util.List;

/**
 * The default from-scratch recipe, defined once: {@code facegate train}'s option defaults name
 * these constants, and {@code facegate demo} builds its options with {@link #scratch}. The values
 * are strings because picocli's defaults are.
 */
public final class TrainingDefaults {

  /** Loss: triplet. */
  public static final String LOSS = "triplet";

  /** Maximum epochs. */
  public static final String EPOCHS = "40";

  /** Optimiser steps per epoch. */
  public static final String STEPS_PER_EPOCH = "10";

  /** Contrastive: pairs per step. */
  public static final String PAIRS_PER_STEP = "32";

  /** Triplet: people per batch. */
  public static final String IDENTITIES_PER_STEP = "16";

  /** Triplet: images per person. */
  public static final String IMAGES_PER_IDENTITY = "4";

  /** Adam's initial learning rate for a network trained from scratch. */
  public static final String LEARNING_RATE = "0.001";

  /**
   * Adam's initial learning rate for a projection head on a pretrained backbone ({@code train
   * --backbone}): of 0.0001, 0.0003 and 0.001, the lowest mean per-dataset validation EER on the
   * three shared datasets, averaged over the splits of seeds 1, 2 and 3 (docs/trainer.md); a head
   * on a good backbone needs smaller steps than a network from scratch.
   */
  public static final String HEAD_LEARNING_RATE = "0.0001";

  /** Weight decay. */
  public static final String WEIGHT_DECAY = "0.0001";

  /** Triplet negative mining. */
  public static final String MINING = "hard";

  /** Early-stopping patience in epochs. */
  public static final String PATIENCE = "10";

  /** Input width = height. */
  public static final String INPUT_SIZE = "64";

  /** 1 = grey. */
  public static final String INPUT_CHANNELS = "1";

  /** Filters per conv block. */
  public static final String CHANNELS = "32,64,128";

  /** Last feature map to vector. */
  public static final String POOLING = "average";

  /** Embedding length. */
  public static final String EMBEDDING_DIM = "128";

  /** People per dataset for validation. */
  public static final String VALIDATION_FRACTION = "0.15";

  /** People per dataset held out for test. */
  public static final String TEST_FRACTION = "0.15";

  /** PyTorch intra-op threads: one, bit-for-bit reproducible and steadier on a shared host. */
  public static final String THREADS = "1";

  private TrainingDefaults() {}

  /**
   * The default recipe with augmentation on.
   *
   * @param seed the mandatory seed
   * @param targetFar the validation FAR to calibrate the threshold at, or null for the EER
   */
  public static TrainingOptions scratch(long seed, Double targetFar) {
    LossKind loss = lossKind(LOSS);
    return new TrainingOptions(
        seed,
        loss,
        Integer.parseInt(EPOCHS),
        Integer.parseInt(STEPS_PER_EPOCH),
        Integer.parseInt(PAIRS_PER_STEP),
        Integer.parseInt(IDENTITIES_PER_STEP),
        Integer.parseInt(IMAGES_PER_IDENTITY),
        Float.parseFloat(LEARNING_RATE),
        Float.parseFloat(WEIGHT_DECAY),
        defaultMargin(loss),
        Integer.parseInt(PATIENCE),
        true,
        Integer.parseInt(INPUT_SIZE),
        Integer.parseInt(INPUT_CHANNELS),
        channels(CHANNELS),
        pooling(POOLING),
        Integer.parseInt(EMBEDDING_DIM),
        Double.parseDouble(VALIDATION_FRACTION),
        Double.parseDouble(TEST_FRACTION),
        targetFar,
        mining(MINING));
  }

  /**
   * The learning rate when none is given: {@link #HEAD_LEARNING_RATE} with a backbone, else {@link
   * #LEARNING_RATE}.
   */
  public static float defaultLearningRate(boolean backbone) {
    return Float.parseFloat(backbone ? HEAD_LEARNING_RATE : LEARNING_RATE);
  }

  /** The loss margin when none is given: 1.0 contrastive, 0.3 triplet. */
  public static float defaultMargin(LossKind loss) {
    return loss == LossKind.CONTRASTIVE ? 1.0f : 0.3f;
  }

  /**
   * @throws IllegalArgumentException naming {@code --loss}
   */
  public static LossKind lossKind(String value) {
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "contrastive" -> LossKind.CONTRASTIVE;
      case "triplet" -> LossKind.TRIPLET;
      default ->
          throw new IllegalArgumentException("--loss must be contrastive or triplet, got " + value);
    };
  }

  /**
   * @throws IllegalArgumentException naming {@code --mining}
   */
  public static TripletLoss.Mining mining(String value) {
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "semi-hard" -> TripletLoss.Mining.SEMI_HARD;
      case "hard" -> TripletLoss.Mining.HARD;
      default ->
          throw new IllegalArgumentException("--mining must be semi-hard or hard, got " + value);
    };
  }

  /**
   * @throws IllegalArgumentException naming {@code --pooling}
   */
  public static NetworkConfig.Pooling pooling(String value) {
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "average" -> NetworkConfig.Pooling.AVERAGE;
      case "flatten" -> NetworkConfig.Pooling.FLATTEN;
      default ->
          throw new IllegalArgumentException("--pooling must be average or flatten, got " + value);
    };
  }

  /**
   * @throws IllegalArgumentException naming {@code --channels}
   */
  public static List<Integer> channels(String value) {
    try {
      return Arrays.stream(value.split(",")).map(String::trim).map(Integer::valueOf).toList();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--channels must be comma-separated integers, got " + value);
    }
  }

  /**
   * Sets up DJL's PyTorch engine before its first use: offline (fail fast if the natives are not on
   * the class path instead of downloading them) and, for {@code threads > 0}, that many intra-op
   * threads and one inter-op thread.
   */
  public static void configureEngine(int threads) {
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    if (threads > 0) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
  }
}
