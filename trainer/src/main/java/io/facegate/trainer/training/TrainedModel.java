package io.facegate.trainer.training;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import io.facegate.model.preprocess.PreprocessSpec;
import io.facegate.trainer.data.FaceImageRef;
import io.facegate.trainer.data.ImageStore;
import io.facegate.trainer.model.EmbeddingNetwork;
import io.facegate.trainer.model.NetworkConfig;
import java.util.List;

/**
 * A trained (or training) embedding network and its DJL model; owns the model and closes it. {@link
 * #embed} runs the network in inference mode (batch-norm uses its running statistics).
 */
public final class TrainedModel implements AutoCloseable {

  private final Model model;
  private final NetworkConfig network;
  private final PreprocessSpec preprocess;

  TrainedModel(Model model, NetworkConfig network, PreprocessSpec preprocess) {
    this.model = model;
    this.network = network;
    this.preprocess = preprocess;
  }

  /** The DJL block (one child per layer). */
  public SequentialBlock block() {
    return (SequentialBlock) model.getBlock();
  }

  /** The DJL model. */
  public Model model() {
    return model;
  }

  /** The network shape. */
  public NetworkConfig network() {
    return network;
  }

  /** The input pre-processing. */
  public PreprocessSpec preprocess() {
    return preprocess;
  }

  /** Embeds a CHW batch in inference mode. */
  public float[][] embed(float[] chw, int batch) {
    try (NDManager manager = model.getNDManager().newSubManager()) {
      NDArray x = manager.create(chw, EmbeddingNetwork.inputShape(network, batch));
      NDList out =
          model.getBlock().forward(new ParameterStore(manager, false), new NDList(x), false);
      float[] flat = out.singletonOrThrow().toFloatArray();
      int d = network.embeddingDim();
      float[][] rows = new float[batch][d];
      for (int i = 0; i < batch; i++) {
        System.arraycopy(flat, i * d, rows[i], 0, d);
      }
      return rows;
    }
  }

  /** Embeds images (no augmentation) in chunks. */
  public float[][] embed(List<FaceImageRef> images, ImageStore store) {
    float[][] out = new float[images.size()][];
    int chunk = 64;
    for (int start = 0; start < images.size(); start += chunk) {
      List<FaceImageRef> part = images.subList(start, Math.min(images.size(), start + chunk));
      float[][] rows = embed(store.batch(part, null, null), part.size());
      System.arraycopy(rows, 0, out, start, rows.length);
    }
    return out;
  }

  @Override
  public void close() {
    model.close();
  }
}
