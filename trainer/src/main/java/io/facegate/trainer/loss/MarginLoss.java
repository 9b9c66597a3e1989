package io.facegate.trainer.loss;

import ai.djl.training.loss.Loss;

/** A metric-learning loss with a positive margin m between genuine and impostor distances. */
public abstract class MarginLoss extends Loss {

  private final float margin;

  /**
   * @param name the loss name DJL reports
   * @param margin the margin m (&gt; 0)
   */
  protected MarginLoss(String name, float margin) {
    super(name);
    if (!(margin > 0)) {
      throw new IllegalArgumentException("margin must be > 0, got " + margin);
    }
    this.margin = margin;
  }

  /** The margin m. */
  public final float margin() {
    return margin;
  }
}
