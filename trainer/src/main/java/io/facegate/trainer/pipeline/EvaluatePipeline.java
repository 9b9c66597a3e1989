package io.facegate.trainer.pipeline;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facegate.model.face.FaceFinder;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.FaceStages;
import io.facegate.model.onnx.OnnxEmbedder;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.trainer.data.DatasetException;
import io.facegate.trainer.data.FaceDataset;
import io.facegate.trainer.data.FaceImageRef;
import io.facegate.trainer.data.IdentitySplit;
import io.facegate.trainer.data.ImageStore;
import io.facegate.trainer.evaluation.EvaluationResult;
import io.facegate.trainer.evaluation.VerificationMetrics;
import io.facegate.trainer.plot.Plots;
import io.facegate.trainer.report.MetricsJson;
import io.facegate.trainer.training.SiameseTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code facegate evaluate}: every person in the data is treated as unseen; the exported model
 * embeds every image in ONNX Runtime, after the face stage its metadata asks for (landmark
 * alignment with its companion model, or the whole image), and pairs are decided with the model's
 * own threshold. Writes {@code evaluation.json}, the ROC and the distance histograms. Images that
 * cannot be used (wrong format, corrupt, too small...) are counted by reason in {@code
 * unusable_images} and skipped, unless the pipeline is strict.
 */
public final class EvaluatePipeline {

  /** Output file name. */
  public static final String EVALUATION_FILE = "evaluation.json";

  /**
   * Seed of the one-shot gallery draws, fixed so evaluations of different models are comparable.
   */
  public static final long ONE_SHOT_SEED = 0;

  /**
   * Calibrate the threshold on some people, report on the others: the people of each dataset are
   * shuffled with {@code seed} ({@link IdentitySplit#forCalibration}); the EER threshold of the
   * calibration people's pairs is applied to the test people's pairs.
   */
  public record PeopleSplit(long seed, double calibrationFraction) {
    /** The fraction must be in (0, 1). */
    public PeopleSplit {
      if (!(calibrationFraction > 0 && calibrationFraction < 1)) {
        throw new IllegalArgumentException(
            "--calibration-fraction must be in (0, 1), got " + calibrationFraction);
      }
    }
  }

  private final PrintStream out;
  private final boolean strictImages;
  private final PeopleSplit split;

  /** Reports to {@code out}; unusable images are counted and skipped. */
  public EvaluatePipeline(PrintStream out) {
    this(out, false);
  }

  /**
   * Reports to {@code out}.
   *
   * @param strictImages fail on the first unusable image instead of counting and skipping it
   */
  public EvaluatePipeline(PrintStream out, boolean strictImages) {
    this(out, strictImages, null);
  }

  /**
   * Reports to {@code out}.
   *
   * @param strictImages fail on the first unusable image instead of counting and skipping it
   * @param split calibrate a threshold on some people and report it on the others, besides the
   *     figures at the model's own threshold; null for none
   */
  public EvaluatePipeline(PrintStream out, boolean strictImages, PeopleSplit split) {
    this.out = out;
    this.strictImages = strictImages;
    this.split = split;
  }

  /** Evaluates the model in {@code modelDir} (its {@code model.onnx}) on the data roots. */
  public EvaluationResult run(Path modelDir, List<Path> dataRoots, Path outDir)
      throws IOException, OrtException {
    return run(modelDir, dataRoots, outDir, FaceFinder.Kind.CROP);
  }

  /**
   * Evaluates the model on the data roots, whose images are all of {@code kind}: whole frames go
   * through the model's {@link FaceFinder} (its detector, default settings) as the processor's do;
   * a frame without a usable face is counted as unusable.
   */
  public EvaluationResult run(
      Path modelDir, List<Path> dataRoots, Path outDir, FaceFinder.Kind kind)
      throws IOException, OrtException {
    Path modelFile =
        Files.isDirectory(modelDir) ? modelDir.resolve(TrainPipeline.MODEL_FILE) : modelDir;
    if (!Files.isRegularFile(modelFile)) {
      throw new DatasetException("no model file: " + modelFile);
    }
    FaceDataset scanned = FaceDataset.scan(dataRoots);
    Files.createDirectories(outDir);
    try (OnnxEmbedder model = OnnxEmbedder.open(modelFile, DeviceSpec.cpu(), 0);
        FaceStages.LoadedFinder finder =
            FaceStages.finder(
                modelFile, model.metadata(), DeviceSpec.cpu(), 0, FaceFinder.Settings.defaults())) {
      ModelMetadata meta = model.metadata();
      if (kind == FaceFinder.Kind.FRAME && meta.detection() == null) {
        throw new DatasetException(
            modelFile
                + " names no face detector ("
                + ModelMetadata.DETECTION_MODEL
                + "): it cannot be evaluated on whole frames");
      }
      ImageStore store =
          new ImageStore(new Preprocessor(meta.input()), finder.finder().asStage(kind));
      FaceDataset data = scanned.usable(store, strictImages);
      UnusableImagesReport.print(out, data);
      ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      List<FaceImageRef> images = data.images(data.identities());
      float[][] embeddings = Embeddings.of(images, store, model::embed);
      EvaluationResult r =
          EvaluationResult.of(
              embeddings, SiameseTrainer.labels(images), meta.threshold(), ONE_SHOT_SEED);
      VerificationMetrics v = r.verification();
      ObjectNode json = mapper.createObjectNode();
      json.put("eer", v.eer());
      json.put("auc", v.auc());
      json.put("tar_at_far_1pct", v.tarAtFar1pct());
      json.put("tar_at_far_0_1pct", v.tarAtFar01pct());
      json.put("far_at_threshold", v.farAtThreshold());
      json.put("frr_at_threshold", v.frrAtThreshold());
      json.put("accuracy_at_threshold", v.accuracyAtThreshold());
      json.put("balanced_accuracy_at_threshold", v.balancedAccuracyAtThreshold());
      json.put("one_shot_accuracy", r.oneShotAccuracy());
      json.put("threshold", meta.threshold());
      json.put("operating_point", meta.operatingPoint());
      json.put("genuine_pairs", v.genuinePairs());
      json.put("impostor_pairs", v.impostorPairs());
      json.put("identities", r.identities());
      json.put("images", r.images());
      json.put("model_version", meta.modelVersion());
      json.set("unusable_images", UnusableImagesReport.json(mapper, data));
      json.putArray("datasets").addAll(data.datasets().stream().map(json::textNode).toList());
      if (data.datasets().size() > 1) {
        ObjectNode by = json.putObject("by_dataset");
        for (String d : data.datasets()) {
          List<FaceImageRef> imgs = data.images(data.identitiesOf(d));
          by.set(
              d,
              MetricsJson.of(
                  mapper,
                  EvaluationResult.of(
                      Embeddings.of(imgs, store, model::embed),
                      SiameseTrainer.labels(imgs),
                      meta.threshold(),
                      ONE_SHOT_SEED)));
        }
      }
      if (split != null) {
        json.set("people_split", peopleSplit(mapper, data, images, embeddings, meta));
      }
      mapper.writeValue(outDir.resolve(EVALUATION_FILE).toFile(), json);
      Plots.roc(
          r.distances(), "ROC, " + String.join(" + ", data.datasets()), outDir.resolve("roc.png"));
      Plots.distanceHistograms(
          r.distances(),
          meta.threshold(),
          "Pair distances, " + String.join(" + ", data.datasets()),
          outDir.resolve("distance-histograms.png"));
      out.printf(
          "%s on %s (%d people, %d images, %d genuine / %d impostor pairs): EER %.4f  AUC %.4f  "
              + "TAR@FAR1%% %.4f  FAR@thr %.4f  FRR@thr %.4f  one-shot %.4f%n",
          meta.modelVersion(),
          data.datasets(),
          r.identities(),
          r.images(),
          v.genuinePairs(),
          v.impostorPairs(),
          v.eer(),
          v.auc(),
          v.tarAtFar1pct(),
          v.farAtThreshold(),
          v.frrAtThreshold(),
          r.oneShotAccuracy());
      out.println("wrote " + outDir.resolve(EVALUATION_FILE));
      return r;
    }
  }

  /** The {@link PeopleSplit}'s figures, reusing the embeddings of {@code images}. */
  private ObjectNode peopleSplit(
      ObjectMapper mapper,
      FaceDataset data,
      List<FaceImageRef> images,
      float[][] embeddings,
      ModelMetadata meta) {
    IdentitySplit s = IdentitySplit.forCalibration(data, split.calibrationFraction(), split.seed());
    EvaluationResult cal =
        subset(images, embeddings, Set.copyOf(data.images(s.validation())), meta.threshold());
    double threshold = cal.verification().eerThreshold();
    EvaluationResult test =
        subset(images, embeddings, Set.copyOf(data.images(s.test())), threshold);
    ObjectNode json = mapper.createObjectNode();
    json.put("seed", split.seed());
    json.put("calibration_fraction", split.calibrationFraction());
    json.put("calibrated_threshold", threshold);
    json.put("calibration_eer", cal.verification().eer());
    json.put("model_threshold", meta.threshold());
    json.putArray("calibration_identities")
        .addAll(s.validation().stream().map(json::textNode).toList());
    json.putArray("test_identities").addAll(s.test().stream().map(json::textNode).toList());
    json.set("calibration", MetricsJson.of(mapper, cal));
    json.set("test", MetricsJson.of(mapper, test));
    VerificationMetrics v = test.verification();
    out.printf(
        "people split (seed %d): threshold %.4f at the EER of %d calibration people (EER %.4f); "
            + "%d test people, %d images: EER %.4f  FAR@thr %.4f  FRR@thr %.4f%n",
        split.seed(),
        threshold,
        cal.identities(),
        cal.verification().eer(),
        test.identities(),
        test.images(),
        v.eer(),
        v.farAtThreshold(),
        v.frrAtThreshold());
    return json;
  }

  private static EvaluationResult subset(
      List<FaceImageRef> images, float[][] embeddings, Set<FaceImageRef> people, double threshold) {
    List<FaceImageRef> picked = new ArrayList<>();
    List<float[]> rows = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      if (people.contains(images.get(i))) {
        picked.add(images.get(i));
        rows.add(embeddings[i]);
      }
    }
    return EvaluationResult.of(
        rows.toArray(float[][]::new), SiameseTrainer.labels(picked), threshold, ONE_SHOT_SEED);
  }
}
