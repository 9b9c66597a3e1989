package io.facegate.trainer.training;

/** Which metric-learning loss trains the network. */
public enum LossKind {
  /** Balanced genuine/impostor pairs, contrastive loss. */
  CONTRASTIVE,
  /** P x K batches, triplet loss with batch-hard mining. */
  TRIPLET
}
