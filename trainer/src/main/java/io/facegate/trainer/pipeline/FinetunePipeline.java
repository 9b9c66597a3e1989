package io.facegate.trainer.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.FaceStages;
import io.facegate.model.onnx.OnnxEmbedder;
import io.facegate.model.preprocess.Preprocessor;
import io.facegate.trainer.data.DatasetException;
import io.facegate.trainer.data.FaceDataset;
import io.facegate.trainer.data.FaceImageRef;
import io.facegate.trainer.data.IdentitySplit;
import io.facegate.trainer.evaluation.EvaluationResult;
import io.facegate.trainer.evaluation.PairDistances;
import io.facegate.trainer.evaluation.VerificationMetrics;
import io.facegate.trainer.finetune.BackboneHeadExporter;
import io.facegate.trainer.finetune.EmbeddingCache;
import io.facegate.trainer.finetune.FinetuneOptions;
import io.facegate.trainer.finetune.HeadTrainer;
import io.facegate.trainer.finetune.ProjectionHead;
import io.facegate.trainer.plot.Plots;
import io.facegate.trainer.report.MetricsJson;
import io.facegate.trainer.training.EpochStats;
import io.facegate.trainer.training.SiameseTrainer;
import io.facegate.trainer.training.TrainingOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code facegate train --backbone ...}: split people, embed every image once with the frozen
 * backbone, calibrate and measure the raw backbone, train a projection head on the cached
 * embeddings, calibrate its threshold on the same validation people, export backbone + head as one
 * ONNX model, and measure the test people on that exported file in ONNX Runtime. The card puts
 * raw backbone and fine-tuned side by side, per dataset.
 */
public final class FinetunePipeline {

  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  private final TrainingOptions options;
  private final FinetuneOptions finetune;
  private final PrintStream out;

  /** A pipeline for these options, reporting progress to {@code out}. */
  public FinetunePipeline(TrainingOptions options, FinetuneOptions finetune, PrintStream out) {
    this.options = options;
    this.finetune = finetune;
    this.out = out;
  }

  /**
   * Summary of a run: test EER per dataset for the raw backbone and the exported model.
   *
   * @param modelFile the exported model
   * @param rawTestEer test EER of the raw backbone, per dataset
   * @param fineTunedTestEer test EER of the exported model, per dataset
   * @param bestEpoch the epoch kept (0 = the starting head)
   * @param parity largest |ONNX Runtime - DJL| over the test embeddings
   * @param seconds wall-clock time of the whole run
   */
  public record Summary(Path modelFile, Map<String, Double> rawTestEer, Map<String, Double> fineTunedTestEer,
                        int bestEpoch, double parity, double seconds) {}

  /** Runs everything; files go to {@code outDir} (created). */
  public Summary run(List<Path> dataRoots, Path outDir) throws IOException {
    long t0 = System.nanoTime();
    FaceDataset data = FaceDataset.scan(dataRoots);
    IdentitySplit split = IdentitySplit.of(data, options.validationFraction(), options.testFraction(), options.seed());
    Files.createDirectories(outDir);
    out.printf("data: %s, %d identities, %d images; split by identity train/val/test = %d/%d/%d people%n",
        data.datasets(), data.identities().size(), data.imageCount(), split.train().size(),
        split.validation().size(), split.test().size());
    Path backboneFile = finetune.backbone().modelFile();

    EmbeddingCache cache;
    ModelMetadata backboneMeta;
    double embedSeconds;
    try (OnnxEmbedder backbone = OnnxEmbedder.open(backboneFile, finetune.device(), finetune.threads());
         FaceStages.Loaded stage = FaceStages.open(backboneFile, backbone.metadata(), finetune.device(),
             finetune.threads())) {
      backboneMeta = backbone.metadata();
      out.printf("backbone: %s (%s, %d-d, input %dx%dx%d, %s) on %s%n", finetune.backbone().name(),
          backboneMeta.modelVersion(), backboneMeta.embeddingDim(), backboneMeta.input().channels(),
          backboneMeta.input().height(), backboneMeta.input().width(),
          backboneMeta.alignment() == null ? "whole image" : "landmark-aligned", backbone.device());
      Set<FaceImageRef> flip = finetune.flip() ? new HashSet<>(data.images(split.train())) : Set.of();
      long e0 = System.nanoTime();
      cache = EmbeddingCache.build(data.images(data.identities()), flip, stage,
          new Preprocessor(backboneMeta.input()), backbone, out);
      embedSeconds = (System.nanoTime() - e0) / 1e9;
    }
    out.printf("backbone: %d images embedded once in %.1f s%s; left out: %s%n", cache.size(), embedSeconds,
        finetune.flip() ? " (and mirrored training images)" : "", cache.skipped().isEmpty() ? "none" : cache.skipped());

    Map<String, List<FaceImageRef>> trainPeople = usable(data, split.train(), cache, "training");
    Map<String, List<FaceImageRef>> valPeople = usable(data, split.validation(), cache, "validation");
    Map<String, List<FaceImageRef>> testPeople = usable(data, split.test(), cache, "test");
    List<FaceImageRef> valImages = flat(valPeople);
    List<FaceImageRef> testImages = flat(testPeople);
    int[] valLabels = SiameseTrainer.labels(valImages);
    float[][] valRaw = cache.rows(valImages);
    float[][] testRaw = cache.rows(testImages);
    float rawThreshold = calibrate(valRaw, valLabels);
    EvaluationResult rawVal = EvaluationResult.of(valRaw, valLabels, rawThreshold, options.seed());
    EvaluationResult rawTest = EvaluationResult.of(testRaw, SiameseTrainer.labels(testImages), rawThreshold,
        options.seed());
    Map<String, EvaluationResult> rawByDataset = byDataset(data, testImages, testRaw, rawThreshold);

    HeadTrainer.Result result = new HeadTrainer(options, finetune, out).train(cache, trainPeople, valPeople);
    try (ProjectionHead head = result.head()) {
      float[][] valHead = head.embed(valRaw);
      float threshold = calibrate(valHead, valLabels);
      String fingerprint = data.fingerprint();
      String modelVersion = "facegate-" + finetune.backbone().name() + "-" + finetune.head().name().toLowerCase(Locale.ROOT)
          + "-" + options.loss().name().toLowerCase(Locale.ROOT) + "-s" + options.seed() + "-" + fingerprint.substring(0, 8);
      Map<String, String> provenance = new LinkedHashMap<>();
      backboneMeta.provenance().forEach((k, v) -> provenance.put("backbone." + k, v));
      provenance.put("backbone.model_version", backboneMeta.modelVersion());
      provenance.put("backbone.embedding_dim", Integer.toString(backboneMeta.embeddingDim()));
      provenance.put("backbone.threshold", Float.toString(backboneMeta.threshold()));
      Map<String, String> hyper = hyperParameters(head.inDim());
      provenance.putAll(hyper);
      provenance.put("data_fingerprint", fingerprint);
      provenance.put("datasets", String.join(",", data.datasets()));
      provenance.put("code_version", HostInfo.codeVersion());
      provenance.put("best_epoch", Integer.toString(result.bestEpoch()));
      provenance.put("split_people", split.train().size() + "/" + split.validation().size() + "/" + split.test().size());
      ModelMetadata metadata = new ModelMetadata(modelVersion, backboneMeta.input(), head.outDim(),
          ModelMetadata.EUCLIDEAN, threshold, options.operatingPoint(), provenance, backboneMeta.alignment());
      Path modelFile = outDir.resolve(TrainPipeline.MODEL_FILE);
      BackboneHeadExporter.write(backboneFile, head.layers(), metadata, HostInfo.codeVersion(), modelFile);

      float[][] testOnnx;
      try (OnnxEmbedder exported = OnnxEmbedder.open(modelFile, finetune.device(), finetune.threads());
           FaceStages.Loaded stage = FaceStages.open(modelFile, exported.metadata(), finetune.device(),
               finetune.threads())) {
        EmbeddingCache again = EmbeddingCache.build(testImages, Set.of(), stage,
            new Preprocessor(exported.metadata().input()), exported, QUIET);
        if (again.size() != testImages.size()) {
          throw new IllegalStateException("the exported model's face stage left out " + again.skipped()
              + " test images the backbone's kept: alignment is not reproducible");
        }
        testOnnx = again.rows(testImages);
      }
      double parity = Embeddings.maxAbsDiff(testOnnx, head.embed(testRaw));
      EvaluationResult val = EvaluationResult.of(valHead, valLabels, threshold, options.seed());
      EvaluationResult test = EvaluationResult.of(testOnnx, SiameseTrainer.labels(testImages), threshold,
          options.seed());
      Map<String, EvaluationResult> ftByDataset = byDataset(data, testImages, testOnnx, threshold);

      ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      ObjectNode card = mapper.createObjectNode();
      List<EpochStats> epochs = result.epochs();
      double secondsPerEpoch = epochs.stream().mapToDouble(EpochStats::seconds).average().orElse(0);
      card.put("model_version", modelVersion);
      card.put("threshold", threshold);
      card.put("operating_point", options.operatingPoint());
      card.put("threshold_calibrated_on", "validation");
      TrainPipeline.inputNode(card.putObject("input"), backboneMeta.input());
      card.put("embedding_dim", head.outDim());
      card.put("distance_metric", ModelMetadata.EUCLIDEAN);
      card.put("seconds_per_epoch", secondsPerEpoch);
      card.put("train_seconds", result.trainSeconds());
      card.put("epochs_run", epochs.size());
      card.put("best_epoch", result.bestEpoch());
      card.put("kept", result.bestEpoch() == 0
          ? "starting head (no epoch beat it on validation EER)" : "fine-tuned head, epoch " + result.bestEpoch());
      card.put("seed", options.seed());
      card.put("loss", options.asProvenance().get("loss"));
      ObjectNode bb = card.putObject("backbone");
      bb.put("name", finetune.backbone().name());
      bb.put("model_file", backboneFile.toString());
      bb.put("model_version", backboneMeta.modelVersion());
      bb.put("embedding_dim", backboneMeta.embeddingDim());
      bb.put("face_stage", backboneMeta.alignment() == null ? "whole image" : "landmark alignment");
      bb.put("frozen", true);
      bb.put("embed_seconds", embedSeconds);
      bb.put("images_embedded", cache.size());
      ObjectNode skipped = bb.putObject("images_left_out");
      cache.skipped().forEach(skipped::put);
      card.set("data", TrainPipeline.dataNode(mapper, data, split));
      ObjectNode metrics = card.putObject("metrics");
      metrics.set("validation", MetricsJson.of(mapper, val));
      metrics.set("test", MetricsJson.of(mapper, test));
      metrics.set("test_by_dataset", byDatasetNode(mapper, ftByDataset));
      ObjectNode raw = card.putObject("raw_backbone");
      raw.put("threshold", rawThreshold);
      raw.put("threshold_calibrated_on", "validation");
      raw.put("validation_eer_as_epoch_0", result.startValidationEer());
      ObjectNode rawMetrics = raw.putObject("metrics");
      rawMetrics.set("validation", MetricsJson.of(mapper, rawVal));
      rawMetrics.set("test", MetricsJson.of(mapper, rawTest));
      rawMetrics.set("test_by_dataset", byDatasetNode(mapper, rawByDataset));
      card.put("onnx_parity_max_abs_diff", parity);
      ObjectNode hp = card.putObject("hyper_parameters");
      hyper.forEach(hp::put);
      ArrayNode history = card.putArray("history");
      for (EpochStats e : epochs) {
        ObjectNode h = history.addObject();
        h.put("epoch", e.epoch());
        h.put("train_loss", e.trainLoss());
        h.put("validation_loss", e.validationLoss());
        h.put("validation_eer", e.validationEer());
        h.put("seconds", e.seconds());
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      card.put("run_seconds", seconds);
      card.set("host", HostInfo.host(mapper));
      card.put("code_version", provenance.get("code_version"));
      mapper.writeValue(outDir.resolve(TrainPipeline.MODEL_CARD).toFile(), card);

      Plots.lossAllEpochs(epochs, outDir.resolve("loss-all-epochs.png"));
      Plots.lossFirstEpochs(epochs, result.stepLosses(), options.stepsPerEpoch(),
          outDir.resolve("loss-first-5-epochs.png"));
      Plots.roc(test.distances(), "ROC, test people", outDir.resolve("roc.png"));
      Plots.distanceHistograms(test.distances(), threshold, "Pair distances, test people, fine-tuned",
          outDir.resolve("distance-histograms.png"));
      Plots.distanceHistograms(rawTest.distances(), rawThreshold, "Pair distances, test people, raw backbone",
          outDir.resolve("distance-histograms-raw-backbone.png"));

      Map<String, Double> rawEer = new LinkedHashMap<>();
      Map<String, Double> ftEer = new LinkedHashMap<>();
      out.printf("test people, raw backbone (threshold %.4f) vs fine-tuned (threshold %.4f), kept: %s%n",
          rawThreshold, threshold, card.get("kept").asText());
      for (String dataset : rawByDataset.keySet()) {
        VerificationMetrics r = rawByDataset.get(dataset).verification();
        VerificationMetrics f = ftByDataset.get(dataset).verification();
        rawEer.put(dataset, r.eer());
        ftEer.put(dataset, f.eer());
        out.printf("  %-16s EER %.4f -> %.4f  TAR@FAR1%% %.4f -> %.4f  one-shot %.4f -> %.4f%n", dataset, r.eer(),
            f.eer(), r.tarAtFar1pct(), f.tarAtFar1pct(), rawByDataset.get(dataset).oneShotAccuracy(),
            ftByDataset.get(dataset).oneShotAccuracy());
      }
      out.printf("  %-16s EER %.4f -> %.4f  TAR@FAR1%% %.4f -> %.4f  one-shot %.4f -> %.4f  (parity %.1e, %.0f s)%n",
          "all", rawTest.verification().eer(), test.verification().eer(), rawTest.verification().tarAtFar1pct(),
          test.verification().tarAtFar1pct(), rawTest.oneShotAccuracy(), test.oneShotAccuracy(), parity, seconds);
      out.println("wrote " + modelFile + ", " + outDir.resolve(TrainPipeline.MODEL_CARD) + " and plots");
      return new Summary(modelFile, rawEer, ftEer, result.bestEpoch(), parity, seconds);
    }
  }

  private Map<String, String> hyperParameters(int backboneDim) {
    Map<String, String> p = new LinkedHashMap<>(options.asProvenance());
    // the scratch network's shape does not apply to a backbone
    p.remove("channels");
    p.remove("pooling");
    p.putAll(finetune.asProvenance(backboneDim));
    return p;
  }

  private float calibrate(float[][] rows, int[] labels) {
    PairDistances pairs = PairDistances.allPairs(rows, labels);
    double t = options.targetFar() == null
        ? VerificationMetrics.equalErrorRate(pairs)[1]
        : VerificationMetrics.thresholdAtFar(pairs, options.targetFar());
    return (float) t;
  }

  private Map<String, EvaluationResult> byDataset(FaceDataset data, List<FaceImageRef> images, float[][] rows,
                                                  float threshold) {
    Map<String, EvaluationResult> out = new LinkedHashMap<>();
    for (String dataset : data.datasets()) {
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        if (images.get(i).dataset().equals(dataset)) {
          idx.add(i);
        }
      }
      float[][] sub = new float[idx.size()][];
      List<FaceImageRef> refs = new ArrayList<>();
      for (int i = 0; i < sub.length; i++) {
        sub[i] = rows[idx.get(i)];
        refs.add(images.get(idx.get(i)));
      }
      out.put(dataset, EvaluationResult.of(sub, SiameseTrainer.labels(refs), threshold, options.seed()));
    }
    return out;
  }

  private static ObjectNode byDatasetNode(ObjectMapper mapper, Map<String, EvaluationResult> results) {
    ObjectNode n = mapper.createObjectNode();
    results.forEach((d, r) -> n.set(d, MetricsJson.of(mapper, r)));
    return n;
  }

  /** The split's people with the images the backbone could use; people left with none are dropped. */
  private static Map<String, List<FaceImageRef>> usable(FaceDataset data, List<String> ids, EmbeddingCache cache,
                                                       String what) {
    Map<String, List<FaceImageRef>> out = new LinkedHashMap<>();
    for (String id : ids) {
      List<FaceImageRef> imgs = data.images(id).stream().filter(cache::has).toList();
      if (!imgs.isEmpty()) {
        out.put(id, imgs);
      }
    }
    if (out.size() < 2) {
      throw new DatasetException("fewer than two " + what + " people have an image the backbone can use");
    }
    return out;
  }

  private static List<FaceImageRef> flat(Map<String, List<FaceImageRef>> people) {
    return people.values().stream().flatMap(List::stream).toList();
  }
}
