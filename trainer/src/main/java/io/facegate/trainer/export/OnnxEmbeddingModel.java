package io.facegate.trainer.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.facegate.model.metadata.ModelMetadata;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * An exported model loaded in ONNX Runtime (CPU) for evaluation and parity checks: the very file
 * the processor will serve. Owns its session; close it.
 */
public final class OnnxEmbeddingModel implements AutoCloseable {

  private final OrtEnvironment env;
  private final OrtSession session;
  private final ModelMetadata metadata;

  private OnnxEmbeddingModel(OrtEnvironment env, OrtSession session, ModelMetadata metadata) {
    this.env = env;
    this.session = session;
    this.metadata = metadata;
  }

  /**
   * Opens a model file and reads its {@link ModelMetadata}.
   *
   * @throws OrtException when ONNX Runtime cannot load it
   */
  public static OnnxEmbeddingModel open(Path file) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
    try {
      ModelMetadata metadata = ModelMetadata.fromProperties(session.getMetadata().getCustomMetadata());
      if (!session.getInputNames().contains(OnnxExporter.INPUT)
          || !session.getOutputNames().contains(OnnxExporter.OUTPUT)) {
        throw new IllegalArgumentException("model must have input '" + OnnxExporter.INPUT
            + "' and output '" + OnnxExporter.OUTPUT + "'");
      }
      return new OnnxEmbeddingModel(env, session, metadata);
    } catch (RuntimeException | OrtException e) {
      session.close();
      throw e;
    }
  }

  /** The metadata stored in the model. */
  public ModelMetadata metadata() {
    return metadata;
  }

  /** The raw custom metadata map. */
  public Map<String, String> customMetadata() throws OrtException {
    return session.getMetadata().getCustomMetadata();
  }

  /** Embeds a CHW batch in one run. */
  public float[][] embed(float[] chw, int batch) throws OrtException {
    var in = metadata.input();
    long[] shape = {batch, in.channels(), in.height(), in.width()};
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(chw), shape);
         OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, tensor))) {
      // by name: imported models carry further outputs (the face-api descriptor's 'raw')
      return (float[][]) result.get(OnnxExporter.OUTPUT)
          .orElseThrow(() -> new IllegalStateException("model returned no '" + OnnxExporter.OUTPUT + "'"))
          .getValue();
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
