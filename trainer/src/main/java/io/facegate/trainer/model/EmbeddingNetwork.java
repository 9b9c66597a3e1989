package io.facegate.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * Builds the DJL block for a {@link NetworkConfig}: a {@link SequentialBlock} with exactly one
 * child per {@link Layer}, which is what lets the exporter walk it layer by layer. Both branches of
 * the Siamese network are this one block (shared weights): pairs are embedded by running both
 * images through it in one batch.
 */
public final class EmbeddingNetwork {

  private EmbeddingNetwork() {}

  /** A new, uninitialised block for the config. */
  public static SequentialBlock build(NetworkConfig config) {
    SequentialBlock block = new SequentialBlock();
    for (Layer layer : config.layers()) {
      block.add(toBlock(layer));
    }
    return block;
  }

  /** The input shape for a batch of {@code batch} images. */
  public static Shape inputShape(NetworkConfig config, int batch) {
    return new Shape(batch, config.inputChannels(), config.inputSize(), config.inputSize());
  }

  private static Block toBlock(Layer layer) {
    if (layer instanceof Layer.InstanceNorm n) {
      return new LambdaBlock(in -> instanceNorm(in, n.epsilon()), "instancenorm");
    }
    if (layer instanceof Layer.Conv c) {
      return Conv2d.builder()
          .setKernelShape(new Shape(c.kernel(), c.kernel()))
          .optPadding(new Shape(c.padding(), c.padding()))
          .setFilters(c.filters())
          .build();
    }
    if (layer instanceof Layer.BatchNorm b) {
      return BatchNorm.builder().optEpsilon(b.epsilon()).build();
    }
    if (layer instanceof Layer.Relu) {
      return Activation.reluBlock();
    }
    if (layer instanceof Layer.MaxPool m) {
      return Pool.maxPool2dBlock(
          new Shape(m.kernel(), m.kernel()), new Shape(m.stride(), m.stride()));
    }
    if (layer instanceof Layer.GlobalAvgPool) {
      return new LambdaBlock(EmbeddingNetwork::globalAvgPool, "globalavgpool");
    }
    if (layer instanceof Layer.Flatten) {
      return Blocks.batchFlattenBlock();
    }
    if (layer instanceof Layer.Dense d) {
      return Linear.builder().setUnits(d.units()).build();
    }
    if (layer instanceof Layer.L2Normalize) {
      return new LambdaBlock(EmbeddingNetwork::l2Normalize, "l2normalize");
    }
    throw new IllegalArgumentException("unknown layer " + layer);
  }

  /** [N, C, H, W] -> [N, C, H*W]: the PyTorch engine reduces one axis at a time. */
  private static NDArray perChannel(NDArray x) {
    Shape shape = x.getShape();
    return x.reshape(shape.get(0), shape.get(1), -1);
  }

  private static NDList globalAvgPool(NDList in) {
    return new NDList(perChannel(in.singletonOrThrow()).mean(new int[] {2}));
  }

  private static NDList instanceNorm(NDList in, float epsilon) {
    NDArray x = in.singletonOrThrow();
    Shape shape = x.getShape();
    NDArray flat = perChannel(x);
    NDArray centred = flat.sub(flat.mean(new int[] {2}, true));
    NDArray variance = centred.square().mean(new int[] {2}, true);
    return new NDList(centred.div(variance.add(epsilon).sqrt()).reshape(shape));
  }

  private static NDList l2Normalize(NDList in) {
    return new NDList(GraphOps.l2Normalize(in.singletonOrThrow()));
  }

  /** The layers of a block built by {@link #build}, checked against the config. */
  public static List<Block> children(SequentialBlock block, NetworkConfig config) {
    List<Block> children = block.getChildren().values();
    if (children.size() != config.layers().size()) {
      throw new IllegalStateException(
          "block has " + children.size() + " children, config " + config.layers().size());
    }
    return children;
  }
}
