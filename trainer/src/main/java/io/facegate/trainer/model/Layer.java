package io.facegate.trainer.model;

/**
 * One layer of the embedding network, as both DJL (training) and the ONNX exporter see it: each
 * layer is one child block of the DJL {@code SequentialBlock} and maps to one ONNX node.
 */
public sealed interface Layer {

  /**
   * Per-image, per-channel standardisation over height and width: {@code (x - mean) / sqrt(var +
   * eps)} (ONNX InstanceNormalization with unit scale and zero bias). Makes the embedding
   * insensitive to global brightness and contrast, which vary strongly across cameras and lighting.
   */
  record InstanceNorm(float epsilon) implements Layer {}

  /** 2-D convolution, square kernel, stride 1, with bias. */
  record Conv(int filters, int kernel, int padding) implements Layer {}

  /** Batch normalisation over axis 1 (channels of a feature map, or features of a vector). */
  record BatchNorm(float epsilon) implements Layer {}

  /** Rectified linear unit. */
  record Relu() implements Layer {}

  /** Square max-pooling, no padding. */
  record MaxPool(int kernel, int stride) implements Layer {}

  /**
   * [N, C, H, W] -> [N, C]: the mean of each channel over the whole map (ONNX GlobalAveragePool +
   * Flatten).
   */
  record GlobalAvgPool() implements Layer {}

  /** [N, C, H, W] -> [N, C*H*W]. */
  record Flatten() implements Layer {}

  /** Fully connected layer with bias. */
  record Dense(int units) implements Layer {}

  /** Divides each row by its L2 norm (floored at a tiny epsilon in DJL). */
  record L2Normalize() implements Layer {}
}
