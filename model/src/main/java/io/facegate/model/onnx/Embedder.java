package io.facegate.model.onnx;

import io.facegate.model.metadata.ModelMetadata;

/**
 * Turns a batch of pre-processed face tensors into embeddings. The stream processor depends on this
 * interface, so its topology tests can run without ONNX Runtime.
 */
public interface Embedder {
  /** What the model promises: input spec, embedding dimension, threshold, version. */
  ModelMetadata metadata();

  /**
   * Embeds {@code batchSize} faces in one call.
   *
   * @param chwBatch {@code batchSize * C * H * W} floats, each face in CHW order, faces back to
   *     back, as produced by the shared pre-processor
   * @return {@code batchSize} embeddings of {@code metadata().embeddingDim()} floats each
   * @throws InferenceException if the model fails; the caller denies the whole batch
   */
  float[][] embed(float[] chwBatch, int batchSize);
}
