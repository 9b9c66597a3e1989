package io.facegate.trainer.training;

import io.facegate.model.preprocess.PreprocessSpec;
import io.facegate.trainer.loss.TripletLoss;
import io.facegate.trainer.model.NetworkConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every hyper-parameter of a training run; validated here, the message names the CLI option.
 *
 * @param seed seeds the split, sampling, augmentation and weight initialisation (mandatory)
 * @param loss contrastive or triplet
 * @param epochs maximum epochs
 * @param stepsPerEpoch optimiser steps per epoch
 * @param pairsPerStep contrastive: pairs per step (half genuine)
 * @param identitiesPerStep triplet: P
 * @param imagesPerIdentity triplet: K
 * @param learningRate Adam's initial learning rate (cosine-decayed to 5 %)
 * @param weightDecay L2 weight decay
 * @param margin loss margin
 * @param patience epochs without a better validation EER before stopping
 * @param augment whether training images are augmented
 * @param inputSize model input width = height
 * @param inputChannels 1 (grey) or 3 (RGB)
 * @param channels filters per conv block
 * @param pooling how the last feature map becomes a vector
 * @param embeddingDim embedding length
 * @param validationFraction fraction of each dataset's people used for validation
 * @param testFraction fraction of each dataset's people held out for test
 * @param targetFar when non-null, calibrate the threshold at this validation FAR instead of the EER
 * @param mining triplet: how negatives are mined
 */
public record TrainingOptions(
    long seed,
    LossKind loss,
    int epochs,
    int stepsPerEpoch,
    int pairsPerStep,
    int identitiesPerStep,
    int imagesPerIdentity,
    float learningRate,
    float weightDecay,
    float margin,
    int patience,
    boolean augment,
    int inputSize,
    int inputChannels,
    List<Integer> channels,
    NetworkConfig.Pooling pooling,
    int embeddingDim,
    double validationFraction,
    double testFraction,
    Double targetFar,
    TripletLoss.Mining mining) {

  /** Validates every field. */
  public TrainingOptions {
    if (loss == null) {
      throw new IllegalArgumentException("--loss must be contrastive or triplet");
    }
    positive("--epochs", epochs);
    positive("--steps-per-epoch", stepsPerEpoch);
    if (pairsPerStep < 2) {
      throw new IllegalArgumentException("--pairs-per-step must be >= 2, got " + pairsPerStep);
    }
    if (identitiesPerStep < 2) {
      throw new IllegalArgumentException(
          "--identities-per-step must be >= 2, got " + identitiesPerStep);
    }
    if (imagesPerIdentity < 2) {
      throw new IllegalArgumentException(
          "--images-per-identity must be >= 2, got " + imagesPerIdentity);
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("--learning-rate must be > 0, got " + learningRate);
    }
    if (!(weightDecay >= 0)) {
      throw new IllegalArgumentException("--weight-decay must be >= 0, got " + weightDecay);
    }
    if (!(margin > 0)) {
      throw new IllegalArgumentException("--margin must be > 0, got " + margin);
    }
    positive("--patience", patience);
    positive("--input-size", inputSize);
    channels = List.copyOf(channels);
    try {
      // the network's fields are checked once, by the network's shape; here they are options
      new NetworkConfig(inputChannels, inputSize, channels, pooling, embeddingDim);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + e.getMessage(), e);
    }
    if (!(validationFraction > 0 && testFraction > 0 && validationFraction + testFraction < 1)) {
      throw new IllegalArgumentException(
          "--validation-fraction and --test-fraction must be > 0 and sum to < 1");
    }
    if (mining == null) {
      throw new IllegalArgumentException("--mining must be hard or semi-hard");
    }
    if (targetFar != null && !(targetFar > 0 && targetFar < 1)) {
      throw new IllegalArgumentException("--target-far must be in (0, 1), got " + targetFar);
    }
  }

  private static void positive(String option, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(option + " must be > 0, got " + value);
    }
  }

  /** The network shape these options describe. */
  public NetworkConfig network() {
    return new NetworkConfig(inputChannels, inputSize, channels, pooling, embeddingDim);
  }

  /**
   * The input pre-processing: grey or RGB at {@code inputSize}, scaled to [0, 1] then centred with
   * mean 0.5 and std 0.25 per channel (a fixed, documented choice rather than a statistic of one
   * dataset, so combined datasets share it).
   */
  public PreprocessSpec preprocess() {
    float[] mean = new float[inputChannels];
    float[] std = new float[inputChannels];
    java.util.Arrays.fill(mean, 0.5f);
    java.util.Arrays.fill(std, 0.25f);
    return new PreprocessSpec(inputSize, inputSize, inputChannels, mean, std);
  }

  /** Images per optimiser step. */
  public int imagesPerStep() {
    return loss == LossKind.CONTRASTIVE ? 2 * pairsPerStep : identitiesPerStep * imagesPerIdentity;
  }

  /** The operating point name stored with the threshold. */
  public String operatingPoint() {
    return targetFar == null ? "eer" : "far=" + targetFar;
  }

  /** Hyper-parameters as strings, for provenance. */
  public Map<String, String> asProvenance() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("seed", Long.toString(seed));
    p.put("loss", loss.name().toLowerCase(java.util.Locale.ROOT));
    p.put("epochs", Integer.toString(epochs));
    p.put("steps_per_epoch", Integer.toString(stepsPerEpoch));
    if (loss == LossKind.CONTRASTIVE) {
      p.put("pairs_per_step", Integer.toString(pairsPerStep));
    } else {
      p.put("identities_per_step", Integer.toString(identitiesPerStep));
      p.put("images_per_identity", Integer.toString(imagesPerIdentity));
      p.put("mining", mining.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }
    p.put("optimizer", "adam");
    p.put("learning_rate", Float.toString(learningRate));
    p.put("lr_schedule", "cosine to 5%");
    p.put("weight_decay", Float.toString(weightDecay));
    p.put("margin", Float.toString(margin));
    p.put("patience", Integer.toString(patience));
    p.put("augment", Boolean.toString(augment));
    p.put("channels", channels.toString().replace(" ", ""));
    p.put("pooling", pooling.name().toLowerCase(java.util.Locale.ROOT));
    p.put("validation_fraction", Double.toString(validationFraction));
    p.put("test_fraction", Double.toString(testFraction));
    return p;
  }
}
