package io.facegate.trainer.evaluation;

/**
 * Something that embeds a CHW batch: the DJL network in inference mode or an ONNX Runtime session.
 */
@FunctionalInterface
public interface BatchEmbedder {

  /** One embedding row per image. */
  float[][] embed(float[] chw, int batch) throws Exception;
}
