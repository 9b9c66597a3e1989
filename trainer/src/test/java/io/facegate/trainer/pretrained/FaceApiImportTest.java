package io.facegate.trainer.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.face.DetectionSpec;
import io.facegate.model.face.FaceDetectorOptions;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.OnnxEmbedder;
import io.facegate.model.onnx.OnnxFaceDetector;
import io.facegate.trainer.SyntheticFaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FaceApiImport} on a package folder laid out like the verified cache of face-api, holding
 * small random weights: the files land where the command says and the card records the package pin
 * and the hashes of the files the weights were read from.
 */
class FaceApiImportTest {

  @TempDir Path dir;

  private FetchedPackage fakeCache() throws Exception {
    Path pkgDir = Files.createDirectories(dir.resolve("cache/model"));
    FaceApiGraphsTest.recognitionWeights(2, 8).write(pkgDir, "face_recognition_model");
    FaceApiGraphsTest.landmarkWeights(3, new int[] {2, 2, 2})
        .write(pkgDir, "face_landmark_68_tiny_model");
    Map<String, String> sha = new TreeMap<>(SyntheticSsdWeights.write(dir.resolve("cache")));
    for (String f : new String[] {"face_recognition_model", "face_landmark_68_tiny_model"}) {
      for (String file :
          new String[] {PretrainedCard.manifestFile(f), PretrainedCard.weightsFile(f)}) {
        sha.put(file, PretrainedFetch.sha256(dir.resolve("cache").resolve(file)));
      }
    }
    return new FetchedPackage(PretrainedCatalogue.FACE_API, dir.resolve("cache"), sha);
  }

  @Test
  void embeddingNetworkBecomesModelOnnxWithTheCardInItsMetadata() throws Exception {
    FetchedPackage cache = fakeCache();
    FaceApiImport.Imported out =
        FaceApiImport.embedding(
            cache,
            dir.resolve("out"),
            new ThresholdSource.Given(0.42f, "eer on a test set"),
            "test",
            System.out);
    assertEquals(dir.resolve("out/model.onnx"), out.file());
    assertEquals(Files.size(out.file()), out.bytes());
    assertFalse(Files.exists(dir.resolve("out/model.onnx.tmp")));
    try (OnnxEmbedder e = OnnxEmbedder.open(out.file(), DeviceSpec.cpu(), 1)) {
      ModelMetadata m = e.metadata();
      assertEquals("dlib-resnet-face-api-1.7.15", m.modelVersion());
      assertEquals(0.42f, m.threshold());
      assertEquals("eer on a test set", m.operatingPoint());
      Map<String, String> p = m.provenance();
      assertEquals("@vladmandic/face-api", p.get("source.package"));
      assertEquals(PretrainedCatalogue.FACE_API.integrity(), p.get("source.integrity"));
      assertEquals("MIT", p.get("source.licence"));
      assertEquals(
          cache.sha256().get("model/face_recognition_model.bin"), p.get("source.weights_sha256"));
      assertEquals(
          cache.sha256().get("model/face_recognition_model-weights_manifest.json"),
          p.get("source.model_sha256"));
      assertTrue(Long.parseLong(p.get("parameters")) > 0);
      assertEquals(DetectionSpec.faceApiSsd(), m.detection());
    }
    Path detector = dir.resolve("out").resolve(DetectionSpec.DEFAULT_DETECTOR_MODEL);
    try (OnnxFaceDetector d =
        OnnxFaceDetector.open(detector, DeviceSpec.cpu(), 1, FaceDetectorOptions.defaults())) {
      assertTrue(
          Files.size(detector) > 0, "the detector the metadata names is written beside the model");
    }
  }

  @Test
  void thresholdCalibratedOnNamedPeopleIsWrittenWithWhatItWasCalibratedOn() throws Exception {
    Path people = SyntheticFaces.write(dir.resolve("people"), 6, 4, 40, 3);
    FaceApiImport.Imported out =
        FaceApiImport.embedding(
            fakeCache(),
            dir.resolve("out"),
            new ThresholdSource.CalibratedOn(List.of(people), null),
            "test",
            System.out);
    try (OnnxEmbedder e = OnnxEmbedder.open(out.file(), DeviceSpec.cpu(), 1)) {
      ModelMetadata m = e.metadata();
      assertEquals("eer", m.operatingPoint());
      assertTrue(
          m.threshold() > 0 && m.threshold() < 2,
          "a distance between unit vectors: " + m.threshold());
      assertEquals("6", m.provenance().get("calibration.identities"));
      assertTrue(m.provenance().containsKey("calibration.eer"));
    }
    try (var files = Files.list(dir.resolve("out"))) {
      assertEquals(
          List.of(out.file(), dir.resolve("out").resolve(DetectionSpec.DEFAULT_DETECTOR_MODEL)),
          files.sorted().toList(),
          "the provisional model is gone");
    }
  }

  @Test
  void landmarkNetworkKeepsItsOwnName() throws Exception {
    FaceApiImport.Imported out =
        FaceApiImport.landmarks(
            fakeCache(), FaceApiImport.Network.LANDMARKS68_TINY, dir.resolve("out"), "test");
    assertEquals(dir.resolve("out/landmarks68-tiny.onnx"), out.file());
    assertTrue(Files.size(out.file()) > 0);
  }

  @Test
  void unknownNetworkNamesTheKnownOnes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> FaceApiImport.Network.named("resnet-50"));
    assertTrue(
        e.getMessage().contains("dlib-resnet") && e.getMessage().contains("landmarks68-tiny"),
        e.getMessage());
  }

  @Test
  void refusesAnotherPackage() throws Exception {
    FetchedPackage other = new FetchedPackage(PretrainedCatalogue.HUMAN_MODELS, dir, Map.of());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            FaceApiImport.embedding(
                other, dir.resolve("out"), new ThresholdSource.Given(1f, "x"), "test", System.out));
  }
}
