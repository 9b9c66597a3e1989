package io.facegate.model.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.facegate.model.preprocess.PreprocessSpec;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelMetadataTest {

  private static ModelMetadata sample() {
    return new ModelMetadata("orl-s1-20261129", new PreprocessSpec(64, 64, 1, new float[] {0.45f}, new float[] {0.25f}),
        128, "euclidean", 0.8123f, "eer", Map.of("seed", "1", "loss", "contrastive"));
  }

  @Test
  void roundTripsThroughProperties() {
    ModelMetadata m = sample();
    Map<String, String> p = m.toProperties();
    assertEquals("0.8123", p.get("facegate.threshold"));
    assertEquals("1", p.get("facegate.provenance.seed"));
    assertEquals(m, ModelMetadata.fromProperties(p));
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
    InvalidModelMetadataException e = assertThrows(InvalidModelMetadataException.class, () -> ModelMetadata.fromProperties(p));
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
    InvalidModelMetadataException e = assertThrows(InvalidModelMetadataException.class, () -> ModelMetadata.fromProperties(p));
    assertEquals(key, e.key(), e.getMessage());
  }
}
