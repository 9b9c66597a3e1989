package io.facegate.model.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.facegate.model.face.AlignmentSpec;
import io.facegate.model.face.AlignmentTemplate;
import io.facegate.model.face.DetectionSpec;
import io.facegate.model.preprocess.PreprocessSpec;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelMetadataTest {

  private static ModelMetadata sample() {
    return new ModelMetadata(
        "orl-s1-20261129",
        new PreprocessSpec(64, 64, 1, new float[] {0.45f}, new float[] {0.25f}),
        128,
        "euclidean",
        0.8123f,
        "eer",
        Map.of("seed", "1", "loss", "contrastive"));
  }

  @Test
  void roundTripsThroughProperties() {
    ModelMetadata m = sample();
    Map<String, String> p = m.toProperties();
    assertEquals("0.8123", p.get("facegate.threshold"));
    assertEquals("1", p.get("facegate.provenance.seed"));
    assertEquals(m, ModelMetadata.fromProperties(p));
  }

  private static ModelMetadata aligned() {
    return new ModelMetadata(
        "faceres-1",
        new PreprocessSpec(112, 112, 3, new float[3], new float[] {1, 1, 1}),
        1024,
        "euclidean",
        0.9f,
        "eer",
        Map.of(),
        new AlignmentSpec(AlignmentTemplate.arcface(112, 0.8), "landmarks.onnx", 1, 0.2));
  }

  @Test
  void alignmentRoundTripsAndIsAbsentForPlainModels() {
    ModelMetadata m = aligned();
    Map<String, String> p = m.toProperties();
    assertEquals("landmarks.onnx", p.get(ModelMetadata.ALIGNMENT_LANDMARKS));
    ModelMetadata back = ModelMetadata.fromProperties(p);
    assertEquals(m.alignment().template().toProperty(), back.alignment().template().toProperty());
    assertEquals(1, back.alignment().refinements());
    assertEquals(m.alignment(), back.alignment(), "the margin survives as a double");
    assertEquals(null, ModelMetadata.fromProperties(sample().toProperties()).alignment());
  }

  @Test
  void badAlignmentNamesItsKey() {
    for (Map.Entry<String, String> bad :
        Map.of(
                ModelMetadata.ALIGNMENT_LANDMARKS, "../evil.onnx",
                ModelMetadata.ALIGNMENT_REFINEMENTS, "9",
                ModelMetadata.ALIGNMENT_MARGIN, "NaN",
                ModelMetadata.ALIGNMENT_TEMPLATE, "112x112:1,2")
            .entrySet()) {
      Map<String, String> p = new HashMap<>(aligned().toProperties());
      p.put(bad.getKey(), bad.getValue());
      InvalidModelMetadataException e =
          assertThrows(InvalidModelMetadataException.class, () -> ModelMetadata.fromProperties(p));
      assertEquals(bad.getKey(), e.key());
    }
    Map<String, String> p = new HashMap<>(aligned().toProperties());
    p.put(ModelMetadata.ALIGNMENT_TEMPLATE, AlignmentTemplate.arcface(150, 1).toProperty());
    assertEquals(
        ModelMetadata.ALIGNMENT_TEMPLATE,
        assertThrows(InvalidModelMetadataException.class, () -> ModelMetadata.fromProperties(p))
            .key());
  }

  @Test
  void detectionRoundTripsAndBadValuesNameTheirKey() {
    ModelMetadata m = sample().withDetection(new DetectionSpec("ssd.onnx", 0.3));
    Map<String, String> p = m.toProperties();
    assertEquals("ssd.onnx", p.get(ModelMetadata.DETECTION_MODEL));
    assertEquals(m, ModelMetadata.fromProperties(p));
    assertEquals(null, ModelMetadata.fromProperties(sample().toProperties()).detection());
    for (Map.Entry<String, String> bad :
        Map.of(ModelMetadata.DETECTION_MODEL, "../x.onnx", ModelMetadata.DETECTION_MARGIN, "1.5")
            .entrySet()) {
      Map<String, String> q = new HashMap<>(p);
      q.put(bad.getKey(), bad.getValue());
      assertEquals(
          bad.getKey(),
          assertThrows(InvalidModelMetadataException.class, () -> ModelMetadata.fromProperties(q))
              .key());
    }
  }

  @Test
  void ignoresForeignKeys() {
    Map<String, String> p = new HashMap<>(sample().toProperties());
    p.put("producer", "someone else");
    assertEquals(sample(), ModelMetadata.fromProperties(p));
  }

  @Test
  void namesMissingKey() {
    Map<String, String> p = new HashMap<>(sample().toProperties());
    p.remove("facegate.threshold");
    InvalidModelMetadataException e =
        assertThrows(InvalidModelMetadataException.class, () -> ModelMetadata.fromProperties(p));
    assertEquals("facegate.threshold", e.key());
  }

  @Test
  void namesBadValues() {
    assertBadKey("facegate.embedding_dim", "abc");
    assertBadKey("facegate.threshold", "NaN");
    assertBadKey("facegate.threshold", "-1");
    assertBadKey("facegate.distance_metric", "cosine");
    assertBadKey("facegate.input.std", "0");
    assertBadKey("facegate.input.mean", "0.1,0.2");
    assertBadKey("facegate.input.channels", "2");
  }

  private static void assertBadKey(String key, String value) {
    Map<String, String> p = new HashMap<>(sample().toProperties());
    p.put(key, value);
    InvalidModelMetadataException e =
        assertThrows(InvalidModelMetadataException.class, () -> ModelMetadata.fromProperties(p));
    assertEquals(key, e.key(), e.getMessage());
  }
}
