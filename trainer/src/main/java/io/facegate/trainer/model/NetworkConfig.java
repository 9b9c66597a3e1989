package io.facegate.trainer.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Shape of the embedding CNN: per-image standardisation, then one conv block (conv 3x3, batch-norm,
 * ReLU, 2x2 max-pool) per entry of {@code channels}, then {@code pooling} of the last feature map,
 * a dense layer to {@code embeddingDim}, batch-norm and L2 normalisation.
 *
 * @param inputChannels 1 (grey) or 3 (RGB)
 * @param inputSize input width and height in pixels
 * @param channels filters of each conv block
 * @param pooling how the last feature map becomes a vector
 * @param embeddingDim embedding length
 */
public record NetworkConfig(
    int inputChannels, int inputSize, List<Integer> channels, Pooling pooling, int embeddingDim) {

  /** How the last feature map becomes the vector the dense layer reads. */
  public enum Pooling {
    /**
     * The mean of each channel over the map: the same feature anywhere in the face counts the same,
     * so a face that is shifted or closer to the camera (ORL is not aligned) moves the embedding
     * less, and the dense layer has C instead of C x H x W inputs to over-fit with. Lower test EER
     * on ORL's held-out people than {@link #FLATTEN} in 4 of 5 seeds (docs/trainer.md).
     */
    AVERAGE,
    /** Every position of the map is its own input of the dense layer (position-specific). */
    FLATTEN
  }

  /** Validates; the message names the offending option. */
  public NetworkConfig {
    if (inputChannels != 1 && inputChannels != 3) {
      throw new IllegalArgumentException("input-channels must be 1 or 3, got " + inputChannels);
    }
    channels = List.copyOf(channels);
    if (channels.isEmpty() || channels.stream().anyMatch(c -> c <= 0)) {
      throw new IllegalArgumentException("channels must be a non-empty list of positive numbers");
    }
    if (inputSize >> channels.size() < 1) {
      throw new IllegalArgumentException(
          "input-size " + inputSize + " is too small for " + channels.size() + " pooling blocks");
    }
    if (pooling == null) {
      throw new IllegalArgumentException("pooling must be average or flatten");
    }
    if (embeddingDim <= 0) {
      throw new IllegalArgumentException("embedding-dim must be > 0, got " + embeddingDim);
    }
  }

  /** The layers, in order. */
  public List<Layer> layers() {
    List<Layer> layers = new ArrayList<>();
    // a large epsilon (inputs are ~[-2, 2]): a near-uniform frame (dark, over-exposed) must not
    // have its noise, or float rounding, amplified into a confident embedding
    layers.add(new Layer.InstanceNorm(1e-2f));
    for (int c : channels) {
      layers.add(new Layer.Conv(c, 3, 1));
      layers.add(new Layer.BatchNorm(1e-5f));
      layers.add(new Layer.Relu());
      layers.add(new Layer.MaxPool(2, 2));
    }
    layers.add(pooling == Pooling.AVERAGE ? new Layer.GlobalAvgPool() : new Layer.Flatten());
    layers.add(new Layer.Dense(embeddingDim));
    // centres the embeddings over the batch: without it they start nearly collinear, all
    // distances are tiny and the metric losses stall at the margin
    layers.add(new Layer.BatchNorm(1e-5f));
    layers.add(new Layer.L2Normalize());
    return List.copyOf(layers);
  }
}
