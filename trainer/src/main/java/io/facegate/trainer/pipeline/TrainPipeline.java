package io.facegate.trainer.pipeline;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.OnnxEmbedder;
import io.facegate.model.preprocess.PreprocessSpec;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.trainer.data.FaceDataset;
import io.facegate.trainer.data.FaceImageRef;
import io.facegate.trainer.data.IdentitySplit;
import io.facegate.trainer.data.ImageStore;
import io.facegate.trainer.evaluation.EvaluationResult;
import io.facegate.trainer.evaluation.PairDistances;
import io.facegate.trainer.evaluation.VerificationMetrics;
import io.facegate.trainer.export.OnnxExporter;
import io.facegate.trainer.plot.Plots;
import io.facegate.trainer.report.MetricsJson;
import io.facegate.trainer.training.EpochStats;
import io.facegate.trainer.training.SiameseTrainer;
import io.facegate.trainer.training.TrainedModel;
import io.facegate.trainer.training.TrainingOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code facegate train}: split people, train, calibrate the threshold on the validation people,
 * export ONNX, then measure validation and test figures on the exported file in ONNX Runtime (the
 * artefact the processor serves), write plots and {@code model-card.json}.
 */
public final class TrainPipeline {

  /** File names inside the output folder. */
  public static final String MODEL_FILE = "model.onnx";

  public static final String MODEL_CARD = "model-card.json";

  private final TrainingOptions options;
  private final PrintStream out;
  private final boolean strictImages;

  /**
   * A pipeline for these options, reporting progress to {@code out}; unusable images are skipped.
   */
  public TrainPipeline(TrainingOptions options, PrintStream out) {
    this(options, out, false);
  }

  /**
   * A pipeline for these options, reporting progress to {@code out}.
   *
   * @param strictImages fail on the first unusable image instead of counting and skipping it
   */
  public TrainPipeline(TrainingOptions options, PrintStream out, boolean strictImages) {
    this.options = options;
    this.out = out;
    this.strictImages = strictImages;
  }

  /** Summary of a finished run. */
  public record Summary(
      Path modelFile,
      double testEer,
      double testTarAtFar1pct,
      double threshold,
      double secondsPerEpoch,
      int testIdentities,
      int testGenuinePairs,
      int testImpostorPairs) {}

  /** Runs everything; files go to {@code outDir} (created). */
  public Summary run(List<Path> dataRoots, Path outDir) throws IOException, OrtException {
    PreprocessSpec spec = options.preprocess();
    ImageStore store = new ImageStore(new Preprocessor(spec));
    FaceDataset data = FaceDataset.scan(dataRoots).usable(store, strictImages);
    UnusableImagesReport.print(out, data);
    IdentitySplit split =
        IdentitySplit.of(
            data, options.validationFraction(), options.testFraction(), options.seed());
    Files.createDirectories(outDir);
    out.printf(
        "data: %s, %d identities, %d images; split by identity train/val/test = %d/%d/%d people%n",
        data.datasets(),
        data.identities().size(),
        data.imageCount(),
        split.train().size(),
        split.validation().size(),
        split.test().size());
    SiameseTrainer.Result result =
        new SiameseTrainer(options, out).train(data, split, store, outDir.resolve("checkpoint"));
    try (TrainedModel model = result.model()) {
      List<FaceImageRef> valImages = data.images(split.validation());
      int[] valLabels = SiameseTrainer.labels(valImages);
      float[][] valDjl = Embeddings.of(valImages, store, model::embed);
      PairDistances valPairs = PairDistances.allPairs(valDjl, valLabels);
      double threshold =
          options.targetFar() == null
              ? VerificationMetrics.equalErrorRate(valPairs)[1]
              : VerificationMetrics.thresholdAtFar(valPairs, options.targetFar());
      String fingerprint = data.fingerprint();
      String modelVersion =
          "facegate-"
              + options.loss().name().toLowerCase(java.util.Locale.ROOT)
              + "-s"
              + options.seed()
              + "-"
              + fingerprint.substring(0, 8);
      Map<String, String> provenance = new LinkedHashMap<>(options.asProvenance());
      provenance.put("data_fingerprint", fingerprint);
      provenance.put("datasets", String.join(",", data.datasets()));
      provenance.put("code_version", HostInfo.codeVersion());
      provenance.put("best_epoch", Integer.toString(result.bestEpoch()));
      provenance.put(
          "split_people",
          split.train().size() + "/" + split.validation().size() + "/" + split.test().size());
      ModelMetadata metadata =
          new ModelMetadata(
              modelVersion,
              spec,
              options.embeddingDim(),
              ModelMetadata.EUCLIDEAN,
              (float) threshold,
              options.operatingPoint(),
              provenance);
      Path modelFile = outDir.resolve(MODEL_FILE);
      OnnxExporter.write(model, metadata, HostInfo.codeVersion(), modelFile);

      List<FaceImageRef> testImages = data.images(split.test());
      int[] testLabels = SiameseTrainer.labels(testImages);
      ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      ObjectNode card = mapper.createObjectNode();
      EvaluationResult val;
      EvaluationResult test;
      double parity;
      ObjectNode byDataset = mapper.createObjectNode();
      float thresholdF = metadata.threshold();
      try (OnnxEmbedder onnx = OnnxEmbedder.open(modelFile, DeviceSpec.cpu(), 0)) {
        float[][] valOnnx = Embeddings.of(valImages, store, onnx::embed);
        float[][] testOnnx = Embeddings.of(testImages, store, onnx::embed);
        float[][] testDjl = Embeddings.of(testImages, store, model::embed);
        parity =
            Math.max(
                Embeddings.maxAbsDiff(valOnnx, valDjl), Embeddings.maxAbsDiff(testOnnx, testDjl));
        val = EvaluationResult.of(valOnnx, valLabels, thresholdF, options.seed());
        test = EvaluationResult.of(testOnnx, testLabels, thresholdF, options.seed());
        for (String dataset : data.datasets()) {
          List<String> ids =
              split.test().stream().filter(id -> id.startsWith(dataset + "/")).toList();
          List<FaceImageRef> imgs = data.images(ids);
          byDataset.set(
              dataset,
              MetricsJson.of(
                  mapper,
                  EvaluationResult.of(
                      Embeddings.of(imgs, store, onnx::embed),
                      SiameseTrainer.labels(imgs),
                      thresholdF,
                      options.seed())));
        }
      }

      List<EpochStats> epochs = result.epochs();
      double secondsPerEpoch = epochs.stream().mapToDouble(EpochStats::seconds).average().orElse(0);
      card.put("model_version", modelVersion);
      card.put("threshold", thresholdF);
      card.put("operating_point", options.operatingPoint());
      card.put("threshold_calibrated_on", "validation");
      inputNode(card.putObject("input"), spec);
      card.put("embedding_dim", options.embeddingDim());
      card.put("distance_metric", ModelMetadata.EUCLIDEAN);
      card.put("seconds_per_epoch", secondsPerEpoch);
      card.put("train_seconds", result.trainSeconds());
      card.put("epochs_run", epochs.size());
      card.put("best_epoch", result.bestEpoch());
      card.put("seed", options.seed());
      card.put("loss", provenance.get("loss"));
      card.set("data", dataNode(mapper, data, split));
      ObjectNode metrics = card.putObject("metrics");
      metrics.set("validation", MetricsJson.of(mapper, val));
      metrics.set("test", MetricsJson.of(mapper, test));
      metrics.set("test_by_dataset", byDataset);
      card.put("onnx_parity_max_abs_diff", parity);
      ObjectNode hyper = card.putObject("hyper_parameters");
      options.asProvenance().forEach(hyper::put);
      MetricsJson.history(card.putArray("history"), epochs);
      card.set("host", HostInfo.host(mapper));
      card.put("code_version", provenance.get("code_version"));
      MetricsJson.cost(card, modelFile, null);
      mapper.writeValue(outDir.resolve(MODEL_CARD).toFile(), card);

      Plots.lossAllEpochs(epochs, outDir.resolve("loss-all-epochs.png"));
      Plots.lossFirstEpochs(
          epochs,
          result.stepLosses(),
          options.stepsPerEpoch(),
          outDir.resolve("loss-first-5-epochs.png"));
      Plots.roc(test.distances(), "ROC, test people", outDir.resolve("roc.png"));
      Plots.distanceHistograms(
          test.distances(),
          thresholdF,
          "Pair distances, test people",
          outDir.resolve("distance-histograms.png"));
      VerificationMetrics t = test.verification();
      out.printf(
          "test (%d people, %d genuine / %d impostor pairs): EER %.4f  AUC %.4f  TAR@FAR1%% %.4f  "
              + "TAR@FAR0.1%% %.4f  acc@thr %.4f  one-shot %.4f  threshold %.4f  (%.1f s/epoch, parity %.1e)%n",
          test.identities(),
          t.genuinePairs(),
          t.impostorPairs(),
          t.eer(),
          t.auc(),
          t.tarAtFar1pct(),
          t.tarAtFar01pct(),
          t.accuracyAtThreshold(),
          test.oneShotAccuracy(),
          thresholdF,
          secondsPerEpoch,
          parity);
      out.println("wrote " + modelFile + ", " + outDir.resolve(MODEL_CARD) + " and plots");
      return new Summary(
          modelFile,
          t.eer(),
          t.tarAtFar1pct(),
          thresholdF,
          secondsPerEpoch,
          test.identities(),
          t.genuinePairs(),
          t.impostorPairs());
    }
  }

  /** The card's description of the model input. */
  static void inputNode(ObjectNode input, PreprocessSpec spec) {
    input.put("width", spec.width());
    input.put("height", spec.height());
    input.put("channels", spec.channels());
    ArrayNode mean = input.putArray("mean");
    for (float m : spec.mean()) {
      mean.add(m);
    }
    ArrayNode std = input.putArray("std");
    for (float s : spec.std()) {
      std.add(s);
    }
    input.put("layout", "NCHW");
    input.put("value", "(pixel / 255 - mean) / std");
  }

  static ObjectNode dataNode(ObjectMapper mapper, FaceDataset data, IdentitySplit split) {
    ObjectNode n = mapper.createObjectNode();
    ArrayNode names = n.putArray("datasets");
    data.datasets().forEach(names::add);
    n.put("fingerprint", data.fingerprint());
    n.put("split", "by identity, per dataset, seeded");
    n.set("unusable_images", UnusableImagesReport.json(mapper, data));
    splitCounts(n.putObject("train"), data, split.train());
    splitCounts(n.putObject("validation"), data, split.validation());
    splitCounts(n.putObject("test"), data, split.test());
    ArrayNode testPeople = n.putArray("test_identities");
    split.test().forEach(testPeople::add);
    ObjectNode by = n.putObject("by_dataset");
    for (String d : data.datasets()) {
      ObjectNode dn = by.putObject(d);
      splitCounts(
          dn.putObject("train"),
          data,
          split.train().stream().filter(id -> id.startsWith(d + "/")).toList());
      splitCounts(
          dn.putObject("validation"),
          data,
          split.validation().stream().filter(id -> id.startsWith(d + "/")).toList());
      splitCounts(
          dn.putObject("test"),
          data,
          split.test().stream().filter(id -> id.startsWith(d + "/")).toList());
    }
    return n;
  }

  private static void splitCounts(ObjectNode n, FaceDataset data, List<String> ids) {
    n.put("identities", ids.size());
    n.put("images", data.images(ids).size());
  }
}
