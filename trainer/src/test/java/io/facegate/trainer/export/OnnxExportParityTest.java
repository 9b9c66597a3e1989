package io.facegate.trainer.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.OnnxEmbedder;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.trainer.SyntheticFaces;
import io.facegate.trainer.data.FaceDataset;
import io.facegate.trainer.data.FaceImageRef;
import io.facegate.trainer.data.IdentitySplit;
import io.facegate.trainer.data.ImageStore;
import io.facegate.trainer.loss.TripletLoss;
import io.facegate.trainer.model.NetworkConfig;
import io.facegate.trainer.training.LossKind;
import io.facegate.trainer.training.SiameseTrainer;
import io.facegate.trainer.training.TrainedModel;
import io.facegate.trainer.training.TrainingOptions;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported ONNX model computes what DJL computes: same faces, DJL inference-mode forward vs
 * ONNX Runtime, within 1e-5 per embedding value, for batch 1 and batch 5, with either pooling head;
 * metadata survives.
 */
class OnnxExportParityTest {

  private static final double TOLERANCE = 1e-5;

  @TempDir static Path tmp;

  private static TrainedModel model;
  private static ImageStore store;
  private static List<FaceImageRef> faces;
  private static ModelMetadata metadata;
  private static Path file;
  private static TrainedModel flattenModel;
  private static Path flattenFile;

  @BeforeAll
  static void trainBriefly() throws Exception {
    FaceDataset data =
        FaceDataset.scan(List.of(SyntheticFaces.write(tmp.resolve("synthetic"), 8, 4, 40, 5)));
    IdentitySplit split = IdentitySplit.of(data, 0.25, 0.25, 3);
    TrainingOptions options = options(NetworkConfig.Pooling.AVERAGE);
    store = new ImageStore(new Preprocessor(options.preprocess()));
    model = train(options, data, split);
    flattenModel = train(options(NetworkConfig.Pooling.FLATTEN), data, split);
    faces = data.images(data.identities()).subList(0, 5);
    metadata =
        new ModelMetadata(
            "parity-test",
            options.preprocess(),
            16,
            "euclidean",
            0.7f,
            "eer",
            Map.of("seed", "3", "loss", "triplet"));
    file = tmp.resolve("model.onnx");
    OnnxExporter.write(model, metadata, "test", file);
    flattenFile = tmp.resolve("flatten.onnx");
    OnnxExporter.write(flattenModel, metadata, "test", flattenFile);
  }

  private static TrainingOptions options(NetworkConfig.Pooling pooling) {
    return new TrainingOptions(
        3,
        LossKind.TRIPLET,
        2,
        3,
        8,
        4,
        2,
        1e-3f,
        0f,
        0.3f,
        5,
        true,
        32,
        1,
        List.of(4, 8),
        pooling,
        16,
        0.25,
        0.25,
        null,
        TripletLoss.Mining.SEMI_HARD);
  }

  // a few real steps, so batch-norm running statistics and weights are not at their initial values
  private static TrainedModel train(
      TrainingOptions options, FaceDataset data, IdentitySplit split) {
    return new SiameseTrainer(options, new PrintStream(OutputStream.nullOutputStream()))
        .train(data, split, store, null)
        .model();
  }

  @AfterAll
  static void close() {
    model.close();
    flattenModel.close();
  }

  @Test
  void onnxRuntimeMatchesDjlForBatchOneAndBatchFive() throws Exception {
    assertParity(model, file);
  }

  @Test
  void theFlattenHeadExportsToo() throws Exception {
    assertParity(flattenModel, flattenFile);
  }

  private static void assertParity(TrainedModel trained, Path onnxFile) throws Exception {
    try (OnnxEmbedder onnx = OnnxEmbedder.open(onnxFile, DeviceSpec.cpu(), 0)) {
      for (int batch : new int[] {1, 5}) {
        float[] chw = store.batch(faces.subList(0, batch), null, null);
        float[][] djl = trained.embed(chw, batch);
        float[][] ort = onnx.embed(chw, batch);
        assertEquals(batch, ort.length);
        for (int i = 0; i < batch; i++) {
          assertEquals(16, ort[i].length);
          assertArrayEquals(djl[i], ort[i], (float) TOLERANCE, "row " + i + " of batch " + batch);
          double norm = 0;
          for (float v : ort[i]) {
            norm += v * v;
          }
          assertEquals(1.0, Math.sqrt(norm), 1e-5, "embedding is L2-normalised");
        }
      }
    }
  }

  @Test
  void onnxRuntimeMatchesDjlOnANearlyUniformDarkFrame() throws Exception {
    // per-image standardisation divides by the image's spread: a dark, flat frame is the worst case
    byte[] px = new byte[40 * 40];
    java.util.Random random = new java.util.Random(1);
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (3 + random.nextInt(2));
    }
    float[] chw =
        store.preprocessor().toTensor(new io.facegate.model.preprocess.RawImage(40, 40, 1, px));
    try (OnnxEmbedder onnx = OnnxEmbedder.open(file, DeviceSpec.cpu(), 0)) {
      assertArrayEquals(model.embed(chw, 1)[0], onnx.embed(chw, 1)[0], (float) TOLERANCE);
    }
  }

  @Test
  void metadataRoundTripsThroughTheOnnxFile() throws Exception {
    try (OnnxEmbedder onnx = OnnxEmbedder.open(file, DeviceSpec.cpu(), 0)) {
      assertEquals(metadata, onnx.metadata());
      assertEquals("3", onnx.metadata().provenance().get("seed"));
    }
  }

  @Test
  void declaresInputAndOutputWithDynamicBatch() throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
      NodeInfo in = session.getInputInfo().get("input");
      NodeInfo out = session.getOutputInfo().get("embedding");
      assertArrayEquals(new long[] {-1, 1, 32, 32}, ((TensorInfo) in.getInfo()).getShape());
      assertArrayEquals(new long[] {-1, 16}, ((TensorInfo) out.getInfo()).getShape());
    }
  }

  @Test
  void exportIsByteReproducible() throws Exception {
    byte[] again = OnnxExporter.export(model, metadata, "test");
    assertTrue(java.util.Arrays.equals(Files.readAllBytes(file), again));
  }
}
