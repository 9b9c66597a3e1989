package io.facegate.trainer.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.facegate.model.face.AlignmentSpec;
import io.facegate.model.face.AlignmentTemplate;
import io.facegate.model.face.DetectionSpec;
import io.facegate.model.face.FaceStage;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.OnnxEmbedder;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.trainer.SyntheticFaces;
import io.facegate.trainer.data.FaceDataset;
import io.facegate.trainer.data.FaceImageRef;
import io.facegate.trainer.data.ImageStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported backbone + head graph computes what DJL computes from the cached backbone
 * embeddings, within 1e-4 per value, for batch 1 and batch 5 and both head shapes with non-trivial
 * weights; metadata (input, alignment, detection, provenance) and the companions (landmark network,
 * face detector) come along.
 */
class BackboneHeadExporterTest {

  private static final double TOLERANCE = 1e-4;

  @TempDir Path tmp;

  @Test
  void theCombinedGraphMatchesTheDjlHeadOnCachedEmbeddings() throws Exception {
    Path backbone = TinyBackbone.write(tmp.resolve("backbone"));
    Files.writeString(backbone.resolveSibling("landmarks.onnx"), "companion bytes");
    Files.writeString(backbone.resolveSibling("detector.onnx"), "detector bytes");
    FaceDataset data =
        FaceDataset.scan(List.of(SyntheticFaces.write(tmp.resolve("synthetic"), 3, 3, 40, 1)));
    List<FaceImageRef> faces = data.images(data.identities());
    EmbeddingCache cache;
    ModelMetadata backboneMeta;
    try (OnnxEmbedder embedder = OnnxEmbedder.open(backbone, DeviceSpec.cpu(), 1)) {
      backboneMeta = embedder.metadata();
      cache =
          EmbeddingCache.build(
              faces,
              Set.of(),
              FaceStage.WHOLE_IMAGE,
              new Preprocessor(backboneMeta.input()),
              embedder,
              new PrintStream(OutputStream.nullOutputStream()));
    }
    for (FinetuneOptions.HeadKind kind : FinetuneOptions.HeadKind.values()) {
      Path outDir = Files.createDirectories(tmp.resolve("out-" + kind));
      try (ProjectionHead head =
          randomised(
              ProjectionHead.create(
                  kind,
                  TinyBackbone.DIM,
                  8,
                  HeadStarts.project(
                      ProjectionBasis.top(cache.rows(faces), 8, 3),
                      HeadStarts.identity(TinyBackbone.DIM))))) {
        ModelMetadata meta =
            new ModelMetadata(
                "combined",
                backboneMeta.input(),
                8,
                ModelMetadata.EUCLIDEAN,
                0.8f,
                "eer",
                Map.of("backbone.model_version", backboneMeta.modelVersion(), "seed", "3"),
                new AlignmentSpec(AlignmentTemplate.arcface(32, 1.0), "landmarks.onnx", 1, 0.25),
                new DetectionSpec("detector.onnx", 0.1));
        Path file = outDir.resolve("model.onnx");
        BackboneHeadExporter.write(backbone, head.layers(), meta, "test", file);

        assertEquals("companion bytes", Files.readString(outDir.resolve("landmarks.onnx")));
        assertEquals("detector bytes", Files.readString(outDir.resolve("detector.onnx")));
        ImageStore store = new ImageStore(new Preprocessor(backboneMeta.input()));
        try (OnnxEmbedder combined = OnnxEmbedder.open(file, DeviceSpec.cpu(), 1)) {
          assertEquals(meta.toProperties(), combined.metadata().toProperties());
          for (List<FaceImageRef> batch : List.of(faces.subList(0, 1), faces.subList(2, 7))) {
            float[][] onnx = combined.embed(store.batch(batch, null, null), batch.size());
            float[][] djl = head.embed(cache.rows(batch));
            for (int i = 0; i < batch.size(); i++) {
              assertArrayEquals(djl[i], onnx[i], (float) TOLERANCE, kind + " row " + i);
              assertTrue(Math.abs(norm(onnx[i]) - 1) < 1e-5, "L2-normalised");
            }
          }
        }
      }
    }
  }

  @Test
  void aMissingCompanionIsRefusedByName() throws Exception {
    Path backbone = TinyBackbone.write(tmp.resolve("lonely"));
    ModelMetadata meta;
    try (OnnxEmbedder embedder = OnnxEmbedder.open(backbone, DeviceSpec.cpu(), 1)) {
      meta = embedder.metadata().withDetection(new DetectionSpec("detector.onnx", 0.1));
    }
    Path out = Files.createDirectories(tmp.resolve("lonely-out")).resolve("model.onnx");
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                BackboneHeadExporter.write(
                    backbone,
                    List.of(
                        new ProjectionHead.Dense(
                            TinyBackbone.DIM, 1, new float[TinyBackbone.DIM], new float[1], false)),
                    meta,
                    "test",
                    out));
    assertTrue(e.getMessage().contains("detector.onnx"), e.getMessage());
  }

  @Test
  void aBackboneWithoutAnEmbeddingOutputIsRefused() throws Exception {
    Path backbone = TinyBackbone.write(tmp.resolve("b"));
    OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(backbone));
    OnnxMl.GraphProto.Builder g = proto.getGraph().toBuilder();
    g.getOutputBuilder(0).setName("features");
    OnnxMl.ModelProto renamed = proto.toBuilder().setGraph(g).build();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                BackboneHeadExporter.combine(
                    renamed,
                    List.of(new ProjectionHead.Dense(64, 1, new float[64], new float[1], false)),
                    null,
                    "test"));
    assertTrue(e.getMessage().contains("no output named 'embedding'"), e.getMessage());
  }

  // weights and biases away from the start, so every element of the graph matters
  private static ProjectionHead randomised(ProjectionHead head) {
    Random random = new Random(17);
    Map<String, float[]> params = new HashMap<>(head.snapshot());
    params.replaceAll(
        (k, v) -> {
          float[] out = v.clone();
          for (int i = 0; i < out.length; i++) {
            out[i] += (float) random.nextGaussian() * 0.1f;
          }
          return out;
        });
    head.restore(params);
    return head;
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}
