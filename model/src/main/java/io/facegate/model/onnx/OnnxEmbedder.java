package io.facegate.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.facegate.model.metadata.InvalidModelMetadataException;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.preprocess.PreprocessSpec;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded embedding model: owns the ONNX Runtime session and its options for the life of the
 * application. Opening checks the model against the facegate contract (one float input {@code
 * input} of shape {@code [batch, C, H, W]} with a dynamic batch, one float output {@code embedding}
 * of shape {@code [batch, D]}, valid {@code facegate.*} metadata agreeing with both shapes) and
 * refuses to load a model that breaks it.
 *
 * <p>{@link #embed} is thread-safe (ONNX Runtime sessions allow concurrent runs). The {@link
 * OrtEnvironment} is ONNX Runtime's process-wide singleton: it is shared, not closed here.
 */
public final class OnnxEmbedder implements Embedder, AutoCloseable {
  /** The model's input name, fixed by the export contract. */
  public static final String INPUT = "input";

  /** The model's output name, fixed by the export contract. */
  public static final String OUTPUT = "embedding";

  private static final Logger LOG = LoggerFactory.getLogger(OnnxEmbedder.class);

  private final OrtEnvironment env;
  private final OrtSession.SessionOptions options;
  private final OrtSession session;
  private final ModelMetadata metadata;
  private final String device;
  private final long[] sampleShape;

  private OnnxEmbedder(
      OrtEnvironment env,
      OrtSession.SessionOptions options,
      OrtSession session,
      ModelMetadata metadata,
      String device) {
    this.env = env;
    this.options = options;
    this.session = session;
    this.metadata = metadata;
    this.device = device;
    PreprocessSpec in = metadata.input();
    this.sampleShape = new long[] {in.channels(), in.height(), in.width()};
  }

  /**
   * Loads {@code modelFile} on {@code device} and checks it against the contract.
   *
   * @param intraOpThreads ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose
   * @throws ModelLoadException naming what is wrong: file, device, input/output or metadata key
   */
  public static OnnxEmbedder open(Path modelFile, DeviceSpec device, int intraOpThreads) {
    OrtSessions.Opened opened = OrtSessions.open(modelFile, device, intraOpThreads);
    try {
      ModelMetadata metadata = checkContract(modelFile, opened.session());
      LOG.info(
          "loaded model {} (version {}, input {}, embedding dim {}) on {}",
          modelFile,
          metadata.modelVersion(),
          metadata.input(),
          metadata.embeddingDim(),
          opened.device());
      return new OnnxEmbedder(
          opened.env(), opened.options(), opened.session(), metadata, opened.device());
    } catch (OrtException e) {
      opened.close();
      throw new ModelLoadException("cannot load model " + modelFile + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
  }

  private static ModelMetadata checkContract(Path file, OrtSession session) throws OrtException {
    Map<String, NodeInfo> inputs = session.getInputInfo();
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    if (inputs.size() != 1 || !inputs.containsKey(INPUT)) {
      throw new ModelLoadException(
          file + ": expected exactly one input named '" + INPUT + "', found " + inputs.keySet());
    }
    if (!outputs.containsKey(OUTPUT)) {
      throw new ModelLoadException(
          file + ": expected an output named '" + OUTPUT + "', found " + outputs.keySet());
    }
    ModelMetadata metadata;
    try {
      metadata = ModelMetadata.fromProperties(session.getMetadata().getCustomMetadata());
    } catch (InvalidModelMetadataException e) {
      throw new ModelLoadException(file + ": " + e.getMessage(), e);
    }
    PreprocessSpec in = metadata.input();
    long[] inShape = floatTensorShape(file, INPUT, inputs.get(INPUT));
    long[] expectIn = {-1, in.channels(), in.height(), in.width()};
    if (inShape.length != 4
        || inShape[0] >= 0
        || inShape[1] != expectIn[1]
        || inShape[2] != expectIn[2]
        || inShape[3] != expectIn[3]) {
      throw new ModelLoadException(
          file
              + ": input '"
              + INPUT
              + "' has shape "
              + Arrays.toString(inShape)
              + ", metadata promises [batch, "
              + in.channels()
              + ", "
              + in.height()
              + ", "
              + in.width()
              + "] with a dynamic batch");
    }
    long[] outShape = floatTensorShape(file, OUTPUT, outputs.get(OUTPUT));
    if (outShape.length != 2 || outShape[0] >= 0 || outShape[1] != metadata.embeddingDim()) {
      throw new ModelLoadException(
          file
              + ": output '"
              + OUTPUT
              + "' has shape "
              + Arrays.toString(outShape)
              + ", metadata promises [batch, "
              + metadata.embeddingDim()
              + "] with a dynamic batch");
    }
    return metadata;
  }

  private static long[] floatTensorShape(Path file, String name, NodeInfo info) {
    if (!(info.getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT) {
      throw new ModelLoadException(
          file + ": '" + name + "' must be a float tensor, is " + info.getInfo());
    }
    return t.getShape();
  }

  @Override
  public ModelMetadata metadata() {
    return metadata;
  }

  /** The device the session runs on: {@code cpu} or {@code cuda:N}. */
  public String device() {
    return device;
  }

  @Override
  public float[][] embed(float[] chwBatch, int batchSize) {
    int per = (int) (sampleShape[0] * sampleShape[1] * sampleShape[2]);
    if (batchSize <= 0 || chwBatch == null || chwBatch.length != (long) batchSize * per) {
      throw new InferenceException(
          "batch of "
              + batchSize
              + " needs "
              + ((long) batchSize * per)
              + " floats, got "
              + (chwBatch == null ? "none" : chwBatch.length));
    }
    long[] shape = {batchSize, sampleShape[0], sampleShape[1], sampleShape[2]};
    int dim = metadata.embeddingDim();
    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(chwBatch), shape);
        OrtSession.Result result = session.run(Map.of(INPUT, input))) {
      Optional<OnnxValue> out = result.get(OUTPUT);
      if (out.isEmpty() || !(out.get() instanceof OnnxTensor t)) {
        throw new InferenceException("model returned no tensor '" + OUTPUT + "'");
      }
      long[] got = t.getInfo().getShape();
      if (got.length != 2 || got[0] != batchSize || got[1] != dim) {
        throw new InferenceException(
            "model returned shape "
                + Arrays.toString(got)
                + ", expected ["
                + batchSize
                + ", "
                + dim
                + "]");
      }
      FloatBuffer fb = t.getFloatBuffer();
      float[][] embeddings = new float[batchSize][dim];
      for (int b = 0; b < batchSize; b++) {
        fb.get(embeddings[b]);
      }
      return embeddings;
    } catch (OrtException e) {
      throw new InferenceException(
          "inference failed for a batch of " + batchSize + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    OrtSessions.close(session, options);
  }
}
