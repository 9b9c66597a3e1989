package io.facegate.trainer.model;

import ai.djl.ndarray.NDArray;

/**
 * Differentiable operations with a constant operand, written so that backward never reads freed
 * memory.
 *
 * <p>Why this class exists: DJL 0.36's PyTorch engine implements {@code NDArray.mul(Number)},
 * {@code div(Number)}, {@code maximum(Number)} and the like by wrapping the number in a temporary
 * tensor over a direct {@code ByteBuffer} ({@code torch::from_blob}, no copy) and closing it as
 * soon as the forward op returns. Autograd keeps that tensor for the backward pass; once the
 * garbage collector has freed the buffer, the gradient is computed from whatever the allocator put
 * there (NaN, or a pointer read as a float). Training then turns NaN at a random step, or is
 * silently wrong. {@code add(Number)} and {@code sub(Number)} are safe (their backward needs no
 * operand).
 *
 * <p>The operations here pass constants by value ({@code torch::clamp}'s scalars) or as tensors
 * attached to the operand's manager, which lives until after the step's backward pass. {@code
 * GraphOpsTest} forces a collection between forward and backward to prove it.
 */
public final class GraphOps {

  /** Below this norm a vector is not scaled up (avoids 0/0). */
  public static final float NORM_EPSILON = 1e-12f;

  private GraphOps() {}

  /** {@code max(x, min)} elementwise. */
  public static NDArray atLeast(NDArray x, float min) {
    return x.clip(min, Float.MAX_VALUE);
  }

  /** {@code max(x, 0)} elementwise. */
  public static NDArray relu(NDArray x) {
    return atLeast(x, 0f);
  }

  /** {@code x * k}, the constant held by {@code x}'s manager. */
  public static NDArray scale(NDArray x, float k) {
    return x.mul(x.getManager().create(k));
  }

  /** {@code sqrt(max(x, min))}: a square root whose gradient stays finite at 0. */
  public static NDArray safeSqrt(NDArray x, float min) {
    return atLeast(x, min).sqrt();
  }

  /**
   * Each row of [N, D] scaled to unit length; rows shorter than {@link #NORM_EPSILON} are divided
   * by it instead. The clamp comes before the square root: sqrt's gradient at 0 is infinite, and 0
   * * inf is NaN. ONNX's {@code LpNormalization} computes the same for every row longer than the
   * epsilon.
   */
  public static NDArray l2Normalize(NDArray x) {
    return x.div(safeSqrt(x.square().sum(new int[] {1}, true), NORM_EPSILON * NORM_EPSILON));
  }
}
