package io.facegate.model.metadata;

import io.facegate.model.face.AlignmentSpec;
import io.facegate.model.face.AlignmentTemplate;
import io.facegate.model.face.DetectionSpec;
import io.facegate.model.preprocess.PreprocessSpec;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an exported embedding model promises its users; stored in the ONNX file's {@code
 * metadata_props} under {@code facegate.*} keys (see {@link #toProperties()}).
 *
 * @param modelVersion identifies the trained model (non-blank)
 * @param input the pre-processing the model was trained with
 * @param embeddingDim length of the (L2-normalised) embedding
 * @param distanceMetric {@code "euclidean"} (on L2-normalised embeddings), the only one supported
 * @param threshold distance at or below which two faces are the same person (finite, &gt; 0)
 * @param operatingPoint how the threshold was chosen, e.g. {@code "eer"} or {@code "far=0.001"}
 * @param provenance hyper-parameters, seed, data fingerprint, code version, ... (copied, sorted)
 * @param alignment how faces are aligned before {@code input} applies, or {@code null} when the
 *     whole image is resized (models trained from scratch on crops)
 * @param detection how a face is found in a whole camera frame and cut out for this model, or
 *     {@code null} when the model takes crops only
 */
public record ModelMetadata(
    String modelVersion,
    PreprocessSpec input,
    int embeddingDim,
    String distanceMetric,
    float threshold,
    String operatingPoint,
    Map<String, String> provenance,
    AlignmentSpec alignment,
    DetectionSpec detection) {

  /** Metadata of a model that takes crops only. */
  public ModelMetadata(
      String modelVersion,
      PreprocessSpec input,
      int embeddingDim,
      String distanceMetric,
      float threshold,
      String operatingPoint,
      Map<String, String> provenance,
      AlignmentSpec alignment) {
    this(
        modelVersion,
        input,
        embeddingDim,
        distanceMetric,
        threshold,
        operatingPoint,
        provenance,
        alignment,
        null);
  }

  /** Metadata of a model without face alignment. */
  public ModelMetadata(
      String modelVersion,
      PreprocessSpec input,
      int embeddingDim,
      String distanceMetric,
      float threshold,
      String operatingPoint,
      Map<String, String> provenance) {
    this(
        modelVersion,
        input,
        embeddingDim,
        distanceMetric,
        threshold,
        operatingPoint,
        provenance,
        null);
  }

  /** Prefix of every key this class writes. */
  public static final String PREFIX = "facegate.";

  public static final String MODEL_VERSION = PREFIX + "model_version";
  public static final String INPUT_WIDTH = PREFIX + "input.width";
  public static final String INPUT_HEIGHT = PREFIX + "input.height";
  public static final String INPUT_CHANNELS = PREFIX + "input.channels";
  public static final String INPUT_MEAN = PREFIX + "input.mean";
  public static final String INPUT_STD = PREFIX + "input.std";
  public static final String EMBEDDING_DIM = PREFIX + "embedding_dim";
  public static final String DISTANCE_METRIC = PREFIX + "distance_metric";
  public static final String THRESHOLD = PREFIX + "threshold";
  public static final String OPERATING_POINT = PREFIX + "operating_point";
  public static final String ALIGNMENT_TEMPLATE = PREFIX + "input.alignment.template";
  public static final String ALIGNMENT_LANDMARKS = PREFIX + "input.alignment.landmarks_model";
  public static final String ALIGNMENT_REFINEMENTS = PREFIX + "input.alignment.refinements";
  public static final String ALIGNMENT_MARGIN = PREFIX + "input.alignment.margin";
  public static final String DETECTION_MODEL = PREFIX + "input.detection.detector_model";
  public static final String DETECTION_MARGIN = PREFIX + "input.detection.margin";

  /** Provenance entries are stored as {@code facegate.provenance.<name>}. */
  public static final String PROVENANCE_PREFIX = PREFIX + "provenance.";

  /** The only supported distance. */
  public static final String EUCLIDEAN = "euclidean";

  /** Validates every field; the message names the metadata key it would be stored under. */
  public ModelMetadata {
    if (modelVersion == null || modelVersion.isBlank()) {
      throw new InvalidModelMetadataException(MODEL_VERSION, "must not be blank");
    }
    if (input == null) {
      throw new InvalidModelMetadataException(INPUT_WIDTH, "input spec must not be null");
    }
    if (embeddingDim <= 0) {
      throw new InvalidModelMetadataException(EMBEDDING_DIM, "must be > 0, got " + embeddingDim);
    }
    if (!EUCLIDEAN.equals(distanceMetric)) {
      throw new InvalidModelMetadataException(
          DISTANCE_METRIC, "must be '" + EUCLIDEAN + "', got '" + distanceMetric + "'");
    }
    if (!Float.isFinite(threshold) || threshold <= 0) {
      throw new InvalidModelMetadataException(
          THRESHOLD, "must be finite and > 0, got " + threshold);
    }
    if (operatingPoint == null || operatingPoint.isBlank()) {
      throw new InvalidModelMetadataException(OPERATING_POINT, "must not be blank");
    }
    if (alignment != null
        && (alignment.template().width() != input.width()
            || alignment.template().height() != input.height())) {
      throw new InvalidModelMetadataException(
          ALIGNMENT_TEMPLATE,
          "aligned size "
              + alignment.template().width()
              + "x"
              + alignment.template().height()
              + " differs from the input size "
              + input.width()
              + "x"
              + input.height());
    }
    provenance =
        provenance == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(provenance));
    for (Map.Entry<String, String> e : provenance.entrySet()) {
      if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
        throw new InvalidModelMetadataException(
            PROVENANCE_PREFIX + e.getKey(),
            "provenance keys must be non-blank and values non-null");
      }
    }
  }

  /** The metadata as {@code facegate.*} string properties, sorted by key. */
  public Map<String, String> toProperties() {
    Map<String, String> p = new TreeMap<>();
    p.put(MODEL_VERSION, modelVersion);
    p.put(INPUT_WIDTH, Integer.toString(input.width()));
    p.put(INPUT_HEIGHT, Integer.toString(input.height()));
    p.put(INPUT_CHANNELS, Integer.toString(input.channels()));
    p.put(INPUT_MEAN, floats(input.mean()));
    p.put(INPUT_STD, floats(input.std()));
    p.put(EMBEDDING_DIM, Integer.toString(embeddingDim));
    p.put(DISTANCE_METRIC, distanceMetric);
    p.put(THRESHOLD, Float.toString(threshold));
    p.put(OPERATING_POINT, operatingPoint);
    provenance.forEach((k, v) -> p.put(PROVENANCE_PREFIX + k, v));
    if (alignment != null) {
      p.put(ALIGNMENT_TEMPLATE, alignment.template().toProperty());
      p.put(ALIGNMENT_LANDMARKS, alignment.landmarksModel());
      p.put(ALIGNMENT_REFINEMENTS, Integer.toString(alignment.refinements()));
      p.put(ALIGNMENT_MARGIN, Double.toString(alignment.margin()));
    }
    if (detection != null) {
      p.put(DETECTION_MODEL, detection.detectorModel());
      p.put(DETECTION_MARGIN, Double.toString(detection.margin()));
    }
    return Collections.unmodifiableMap(p);
  }

  /**
   * Reads metadata written by {@link #toProperties()}; keys without the {@code facegate.} prefix
   * are ignored.
   *
   * @throws InvalidModelMetadataException naming the missing or bad key
   */
  public static ModelMetadata fromProperties(Map<String, String> p) {
    if (p == null) {
      throw new InvalidModelMetadataException(MODEL_VERSION, "no metadata");
    }
    int channels = intValue(p, INPUT_CHANNELS);
    float[] mean = floatsValue(p, INPUT_MEAN);
    float[] std = floatsValue(p, INPUT_STD);
    PreprocessSpec spec;
    try {
      spec =
          new PreprocessSpec(
              intValue(p, INPUT_WIDTH), intValue(p, INPUT_HEIGHT), channels, mean, std);
    } catch (IllegalArgumentException e) {
      throw new InvalidModelMetadataException(keyFor(e.getMessage()), e.getMessage());
    }
    Map<String, String> provenance = new TreeMap<>();
    p.forEach(
        (k, v) -> {
          if (k.startsWith(PROVENANCE_PREFIX)) {
            provenance.put(k.substring(PROVENANCE_PREFIX.length()), v);
          }
        });
    return new ModelMetadata(
        required(p, MODEL_VERSION),
        spec,
        intValue(p, EMBEDDING_DIM),
        required(p, DISTANCE_METRIC),
        floatValue(p, THRESHOLD),
        required(p, OPERATING_POINT),
        provenance,
        alignment(p),
        detection(p));
  }

  /** A copy that finds faces in frames as {@code spec} says (null: crops only). */
  public ModelMetadata withDetection(DetectionSpec spec) {
    return new ModelMetadata(
        modelVersion,
        input,
        embeddingDim,
        distanceMetric,
        threshold,
        operatingPoint,
        provenance,
        alignment,
        spec);
  }

  private static DetectionSpec detection(Map<String, String> p) {
    if (!p.containsKey(DETECTION_MODEL)) {
      return null;
    }
    String model = required(p, DETECTION_MODEL);
    double margin = doubleValue(p, DETECTION_MARGIN);
    check(AlignmentSpec.isFileName(model), DETECTION_MODEL, "must be a file name beside the model");
    check(margin >= 0 && margin <= 1, DETECTION_MARGIN, "must be in [0, 1]");
    return new DetectionSpec(model, margin);
  }

  private static AlignmentSpec alignment(Map<String, String> p) {
    if (!p.containsKey(ALIGNMENT_TEMPLATE)) {
      return null;
    }
    AlignmentTemplate template;
    try {
      template = AlignmentTemplate.parse(required(p, ALIGNMENT_TEMPLATE));
    } catch (IllegalArgumentException e) {
      throw new InvalidModelMetadataException(ALIGNMENT_TEMPLATE, e.getMessage());
    }
    String landmarks = required(p, ALIGNMENT_LANDMARKS);
    int refinements = intValue(p, ALIGNMENT_REFINEMENTS);
    double margin = doubleValue(p, ALIGNMENT_MARGIN);
    check(
        AlignmentSpec.isFileName(landmarks),
        ALIGNMENT_LANDMARKS,
        "must be a file name beside the model");
    check(
        refinements >= 0 && refinements <= AlignmentSpec.MAX_REFINEMENTS,
        ALIGNMENT_REFINEMENTS,
        "must be in [0, " + AlignmentSpec.MAX_REFINEMENTS + "]");
    check(margin >= 0 && margin <= 1, ALIGNMENT_MARGIN, "must be in [0, 1]");
    return new AlignmentSpec(template, landmarks, refinements, margin);
  }

  private static void check(boolean ok, String key, String message) {
    if (!ok) {
      throw new InvalidModelMetadataException(key, message);
    }
  }

  private static String keyFor(String specMessage) {
    if (specMessage.startsWith("width")) {
      return INPUT_WIDTH;
    }
    if (specMessage.startsWith("height")) {
      return INPUT_HEIGHT;
    }
    if (specMessage.startsWith("channels")) {
      return INPUT_CHANNELS;
    }
    if (specMessage.startsWith("mean")) {
      return INPUT_MEAN;
    }
    return INPUT_STD;
  }

  private static String floats(float[] values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(values[i]);
    }
    return sb.toString();
  }

  private static String required(Map<String, String> p, String key) {
    String v = p.get(key);
    if (v == null || v.isBlank()) {
      throw new InvalidModelMetadataException(key, "missing");
    }
    return v.trim();
  }

  private static int intValue(Map<String, String> p, String key) {
    String v = required(p, key);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new InvalidModelMetadataException(key, "not an integer: '" + v + "'");
    }
  }

  private static float floatValue(Map<String, String> p, String key) {
    String v = required(p, key);
    try {
      return Float.parseFloat(v);
    } catch (NumberFormatException e) {
      throw new InvalidModelMetadataException(key, "not a number: '" + v + "'");
    }
  }

  private static double doubleValue(Map<String, String> p, String key) {
    String v = required(p, key);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new InvalidModelMetadataException(key, "not a number: '" + v + "'");
    }
  }

  private static float[] floatsValue(Map<String, String> p, String key) {
    String[] parts = required(p, key).split(",", -1);
    float[] out = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Float.parseFloat(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new InvalidModelMetadataException(key, "not a comma-separated list of numbers");
      }
    }
    return out;
  }
}
