package io.facegate.trainer.finetune;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.facegate.trainer.model.GraphOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The projection head trained on top of a frozen backbone, as a DJL model (owns it; close it):
 * {@code LINEAR}: \( h(x) = \frac{Wx + b}{\lVert Wx + b \rVert_2} \); {@code MLP}: \( h(x) =
 * L2(W_2\,\mathrm{relu}(W_1 x + b_1) + b_2) \) with a hidden width of {@code 2 d}.
 *
 * <p>It starts as an affine map \( A x + c \) computed in closed form ({@link HeadStarts}: the raw
 * backbone, its PCA basis, or a within-person whitening): the linear head at \( W = A, b = c \),
 * the MLP at \( W_1 = [A; -A], b_1 = [c; -c], W_2 = [I, -I] \), which is exactly \( A x + c \)
 * because \( \mathrm{relu}(z) - \mathrm{relu}(-z) = z \). With the identity both are the raw
 * backbone, bit for bit up to rounding, on L2-normalised backbone embeddings.
 */
public final class ProjectionHead implements AutoCloseable {

  /**
   * One affine layer, as the exporter needs it.
   *
   * @param in input length
   * @param out output length
   * @param weight {@code out x in}, row-major
   * @param bias {@code out} values
   * @param reluAfter whether a ReLU follows
   */
  public record Dense(int in, int out, float[] weight, float[] bias, boolean reluAfter) {}

  private final Model model;
  private final FinetuneOptions.HeadKind kind;
  private final int inDim;
  private final int outDim;

  private ProjectionHead(Model model, FinetuneOptions.HeadKind kind, int inDim, int outDim) {
    this.model = model;
    this.kind = kind;
    this.inDim = inDim;
    this.outDim = outDim;
  }

  /**
   * A head of the given kind started from the affine map {@code start} ({@link HeadStarts}).
   *
   * @param start {@code outDim x inDim} weight and bias, no ReLU; {@code null} = the identity (then
   *     {@code outDim == inDim})
   */
  public static ProjectionHead create(
      FinetuneOptions.HeadKind kind, int inDim, int outDim, Dense start) {
    if (start == null && outDim != inDim) {
      throw new IllegalArgumentException(
          "a head of " + outDim + " from " + inDim + " values needs a start map");
    }
    if (start != null && (start.in() != inDim || start.out() != outDim || start.reluAfter())) {
      throw new IllegalArgumentException(
          "start map is "
              + start.out()
              + " x "
              + start.in()
              + (start.reluAfter() ? " with a ReLU" : "")
              + ", the head needs an affine "
              + outDim
              + " x "
              + inDim);
    }
    SequentialBlock block = new SequentialBlock();
    if (kind == FinetuneOptions.HeadKind.LINEAR) {
      block.add(Linear.builder().setUnits(outDim).build());
    } else {
      block.add(Linear.builder().setUnits(2L * outDim).build());
      block.add(Activation.reluBlock());
      block.add(Linear.builder().setUnits(outDim).build());
    }
    block.add(new LambdaBlock(ProjectionHead::l2Normalize, "l2normalize"));
    Model model = Model.newInstance("facegate-head", "PyTorch");
    try {
      model.setBlock(block);
      block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, inDim));
      ProjectionHead head = new ProjectionHead(model, kind, inDim, outDim);
      head.start(start == null ? HeadStarts.identity(inDim) : start);
      return head;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  private void start(Dense map) {
    List<Linear> linears = linears();
    if (kind == FinetuneOptions.HeadKind.LINEAR) {
      set(linears.get(0), map.weight().clone(), map.bias().clone());
    } else {
      // relu(z) - relu(-z) = z: the MLP starts as exactly the map
      int n = outDim * inDim;
      float[] w1 = new float[2 * n];
      float[] b1 = new float[2 * outDim];
      for (int i = 0; i < n; i++) {
        w1[i] = map.weight()[i];
        w1[n + i] = -map.weight()[i];
      }
      for (int r = 0; r < outDim; r++) {
        b1[r] = map.bias()[r];
        b1[outDim + r] = -map.bias()[r];
      }
      float[] w2 = new float[outDim * 2 * outDim];
      for (int r = 0; r < outDim; r++) {
        w2[r * 2 * outDim + r] = 1f;
        w2[r * 2 * outDim + outDim + r] = -1f;
      }
      set(linears.get(0), w1, b1);
      set(linears.get(1), w2, new float[outDim]);
    }
  }

  private static void set(Linear linear, float[] weight, float[] bias) {
    linear.getParameters().get("weight").getArray().set(weight);
    linear.getParameters().get("bias").getArray().set(bias);
  }

  private List<Linear> linears() {
    List<Linear> out = new ArrayList<>();
    for (Pair<String, ai.djl.nn.Block> child : block().getChildren()) {
      if (child.getValue() instanceof Linear l) {
        out.add(l);
      }
    }
    return out;
  }

  private static NDList l2Normalize(NDList in) {
    return new NDList(GraphOps.l2Normalize(in.singletonOrThrow()));
  }

  /** The DJL block. */
  public SequentialBlock block() {
    return (SequentialBlock) model.getBlock();
  }

  /** The DJL model. */
  public Model model() {
    return model;
  }

  /** Linear or MLP. */
  public FinetuneOptions.HeadKind kind() {
    return kind;
  }

  /** Input length (the backbone's embedding length). */
  public int inDim() {
    return inDim;
  }

  /** Output length. */
  public int outDim() {
    return outDim;
  }

  /** The head applied to rows of backbone embeddings, in inference mode. */
  public float[][] embed(float[][] rows) {
    float[][] out = new float[rows.length][];
    int chunk = 256;
    for (int from = 0; from < rows.length; from += chunk) {
      int n = Math.min(chunk, rows.length - from);
      float[] flat = new float[n * inDim];
      for (int i = 0; i < n; i++) {
        System.arraycopy(rows[from + i], 0, flat, i * inDim, inDim);
      }
      try (NDManager manager = model.getNDManager().newSubManager()) {
        NDArray x = manager.create(flat, new Shape(n, inDim));
        float[] y =
            block()
                .forward(new ParameterStore(manager, false), new NDList(x), false)
                .singletonOrThrow()
                .toFloatArray();
        for (int i = 0; i < n; i++) {
          out[from + i] = Arrays.copyOfRange(y, i * outDim, (i + 1) * outDim);
        }
      }
    }
    return out;
  }

  /** The affine layers in order, for export. */
  public List<Dense> layers() {
    List<Linear> linears = linears();
    List<Dense> out = new ArrayList<>();
    int in = inDim;
    for (int i = 0; i < linears.size(); i++) {
      NDArray w = linears.get(i).getParameters().get("weight").getArray();
      NDArray b = linears.get(i).getParameters().get("bias").getArray();
      int o = (int) w.getShape().get(0);
      out.add(new Dense(in, o, w.toFloatArray(), b.toFloatArray(), i < linears.size() - 1));
      in = o;
    }
    return out;
  }

  /** A copy of every parameter, by name. */
  Map<String, float[]> snapshot() {
    Map<String, float[]> copy = new HashMap<>();
    for (Pair<String, Parameter> p : block().getParameters()) {
      copy.put(p.getKey(), p.getValue().getArray().toFloatArray());
    }
    return copy;
  }

  /** Puts back a {@link #snapshot}. */
  void restore(Map<String, float[]> snapshot) {
    for (Pair<String, Parameter> p : block().getParameters()) {
      p.getValue().getArray().set(snapshot.get(p.getKey()));
    }
  }

  @Override
  public void close() {
    model.close();
  }
}
