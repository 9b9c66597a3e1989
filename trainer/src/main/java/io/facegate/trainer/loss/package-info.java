/**
 * Metric-learning losses on L2-normalised embeddings: contrastive (pairs) and triplet (online
 * mining).
 */
package io.facegate.trainer.loss;
