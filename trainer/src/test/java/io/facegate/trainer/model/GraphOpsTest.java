package io.facegate.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import io.facegate.trainer.loss.ContrastiveLoss;
import io.facegate.trainer.loss.TripletLoss;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Gradients do not depend on when the garbage collector runs. Each function's gradient is computed
 * twice: once straight through, once with a collection between forward and backward, after which
 * freed native memory is overwritten with NaN. DJL's {@code mul(Number)} fails this (the control
 * below); every differentiable path of the trainer must pass it.
 */
class GraphOpsTest {

  private static final int B = 8;
  private static final int D = 6;
  private static final float[] LABELS = {0, 0, 1, 1, 2, 2, 3, 3};

  @Test
  void djlScalarOperandsAreFreedBeforeBackwardWhichIsWhyGraphOpsExists() throws Exception {
    // the upstream hazard this class guards against; if this stops failing, DJL has fixed it
    boolean corrupted = false;
    for (int attempt = 0; attempt < 3 && !corrupted; attempt++) {
      float[] clean = gradient(x -> x.mul(3f).sum(), false);
      float[] pressured = gradient(x -> x.mul(3f).sum(), true);
      corrupted = !Arrays.equals(clean, pressured);
    }
    assertTrue(
        corrupted, "a collection between forward and backward no longer corrupts mul(Number)");
  }

  @Test
  void scaleAtLeastAndReluKeepTheirGradients() throws Exception {
    assertStable(x -> GraphOps.scale(x, 3f).sum());
    assertStable(x -> GraphOps.atLeast(x, 0.1f).sum());
    assertStable(x -> GraphOps.relu(x.sub(0.2f)).square().sum());
    assertStable(x -> GraphOps.safeSqrt(x.square(), 1e-12f).sum());
  }

  @Test
  void l2NormalizeKeepsItsGradient() throws Exception {
    assertStable(x -> GraphOps.l2Normalize(x).get(":, 0").sum());
  }

  @Test
  void tripletLossKeepsItsGradientWithEitherMining() throws Exception {
    for (TripletLoss.Mining mining : TripletLoss.Mining.values()) {
      Loss loss = new TripletLoss(0.3f, mining);
      assertStable(
          x ->
              loss.evaluate(
                  new NDList(x.getManager().create(LABELS)), new NDList(GraphOps.l2Normalize(x))));
    }
  }

  @Test
  void contrastiveLossKeepsItsGradient() throws Exception {
    Loss loss = new ContrastiveLoss(0.5f);
    float[] same = {1, 0, 1, 0};
    assertStable(
        x ->
            loss.evaluate(
                new NDList(x.getManager().create(same)), new NDList(GraphOps.l2Normalize(x))));
  }

  private static void assertStable(Function<NDArray, NDArray> f) throws Exception {
    float[] clean = gradient(f, false);
    for (float g : clean) {
      assertTrue(Float.isFinite(g), "gradient is finite without a collection");
    }
    assertArrayEquals(
        clean, gradient(f, true), "gradient after a collection between forward and backward");
  }

  private static float[] gradient(Function<NDArray, NDArray> f, boolean collectBetween)
      throws Exception {
    float[] data = new float[B * D];
    Random random = new Random(7);
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) random.nextGaussian();
    }
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray x = manager.create(data, new Shape(B, D));
      x.setRequiresGradient(true);
      List<ByteBuffer> scribbles = null;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray y = f.apply(x);
        if (collectBetween) {
          scribbles = collectAndScribble();
        }
        collector.backward(y);
      }
      float[] gradient = x.getGradient().toFloatArray();
      if (scribbles != null) {
        scribbles.clear();
      }
      return gradient;
    }
  }

  /**
   * Collects, lets the cleaners free unreachable direct buffers, then fills small chunks with NaN.
   */
  private static List<ByteBuffer> collectAndScribble() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(30);
    }
    List<ByteBuffer> keep = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
      b.putFloat(0, Float.NaN);
      keep.add(b);
    }
    return keep;
  }
}
