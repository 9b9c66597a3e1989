package io.facegate.trainer.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
import io.facegate.trainer.export.MirrorAverage;
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
 * ONNX model, and measure the test people on that exported file in ONNX Runtime. The card puts raw
 * backbone and fine-tuned side by side, per dataset.
 */
public final class FinetunePipeline {

  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  private final TrainingOptions options;
  private final FinetuneOptions finetune;
  private final PrintStream out;
  private final boolean strictImages;

  /** A pipeline for these options, reporting progress to {@code out}. */
  public FinetunePipeline(TrainingOptions options, FinetuneOptions finetune, PrintStream out) {
    this(options, finetune, out, false);
  }

  /**
   * A pipeline that, with {@code strictImages}, fails when any image cannot be used (unreadable, no
   * face found) instead of leaving it out and counting it.
   */
  public FinetunePipeline(
      TrainingOptions options, FinetuneOptions finetune, PrintStream out, boolean strictImages) {
    this.options = options;
    this.finetune = finetune;
    this.out = out;
    this.strictImages = strictImages;
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
  public record Summary(
      Path modelFile,
      Map<String, Double> rawTestEer,
      Map<String, Double> fineTunedTestEer,
      int bestEpoch,
      double parity,
      double seconds) {}

  /** Runs everything; files go to {@code outDir} (created). */
  public Summary run(List<Path> dataRoots, Path outDir) throws IOException {
    long t0 = System.nanoTime();
    FaceDataset data = FaceDataset.scan(dataRoots);
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
    Path backboneFile = finetune.backbone().modelFile();

    Embedded embedded = embedOnce(data, split, backboneFile);
    EmbeddingCache cache = embedded.cache();
    out.printf(
        "backbone: %d images embedded once in %.1f s%s; left out: %s%n",
        cache.size(),
        embedded.seconds(),
        finetune.flip() && !MirrorAverage.appliedIn(embedded.metadata())
            ? " (and mirrored training images)"
            : "",
        cache.skipped().isEmpty() ? "none" : cache.skipped());
    if (strictImages && !cache.skipped().isEmpty()) {
      throw new DatasetException(
          "unusable images "
              + cache.skipped()
              + " (strict images: drop the option to count and skip such images)");
    }

    Map<String, List<FaceImageRef>> trainPeople = usable(data, split.train(), cache, "training");
    Map<String, List<FaceImageRef>> valPeople =
        usable(data, split.validation(), cache, "validation");
    Map<String, List<FaceImageRef>> testPeople = usable(data, split.test(), cache, "test");
    List<FaceImageRef> valImages = flat(valPeople);
    List<FaceImageRef> testImages = flat(testPeople);
    int[] valLabels = SiameseTrainer.labels(valImages);
    float[][] valRaw = cache.rows(valImages);
    float[][] testRaw = cache.rows(testImages);
    Measured raw =
        measure(data, valRaw, valLabels, testImages, testRaw, calibrate(valRaw, valLabels));

    HeadTrainer.Result result =
        new HeadTrainer(options, finetune, out).train(cache, trainPeople, valPeople);
    try (ProjectionHead head = result.head()) {
      float[][] valHead = head.embed(valRaw);
      float threshold = calibrate(valHead, valLabels);
      Map<String, String> hyper = hyperParameters(head.inDim());
      hyper.put("head_init", result.start());
      if (MirrorAverage.appliedIn(embedded.metadata())) {
        hyper.put("flip_augment", "false (the backbone averages each face with its mirror image)");
      }
      ModelMetadata metadata =
          metadata(
              data,
              split,
              embedded.metadata(),
              hyper,
              head.outDim(),
              threshold,
              result.bestEpoch());
      Path modelFile = outDir.resolve(TrainPipeline.MODEL_FILE);
      BackboneHeadExporter.write(
          backboneFile, head.layers(), metadata, HostInfo.codeVersion(), modelFile);

      float[][] testOnnx = embedWithExported(modelFile, testImages);
      double parity = Embeddings.maxAbsDiff(testOnnx, head.embed(testRaw));
      Measured tuned = measure(data, valHead, valLabels, testImages, testOnnx, threshold);
      double seconds = (System.nanoTime() - t0) / 1e9;
      String kept =
          result.bestEpoch() == 0
              ? "starting head, " + result.start() + " (no epoch beat it on validation EER)"
              : "fine-tuned head from " + result.start() + ", epoch " + result.bestEpoch();
      writeCard(
          outDir.resolve(TrainPipeline.MODEL_CARD),
          modelFile,
          metadata,
          embedded,
          data,
          split,
          result,
          kept,
          hyper,
          raw,
          tuned,
          parity,
          seconds);

      List<EpochStats> epochs = result.epochs();
      Plots.lossAllEpochs(epochs, outDir.resolve("loss-all-epochs.png"));
      Plots.lossFirstEpochs(
          epochs,
          result.stepLosses(),
          options.stepsPerEpoch(),
          outDir.resolve("loss-first-5-epochs.png"));
      Plots.roc(tuned.test().distances(), "ROC, test people", outDir.resolve("roc.png"));
      Plots.distanceHistograms(
          tuned.test().distances(),
          threshold,
          "Pair distances, test people, fine-tuned",
          outDir.resolve("distance-histograms.png"));
      Plots.distanceHistograms(
          raw.test().distances(),
          raw.threshold(),
          "Pair distances, test people, raw backbone",
          outDir.resolve("distance-histograms-raw-backbone.png"));

      Map<String, Double> rawEer = new LinkedHashMap<>();
      Map<String, Double> ftEer = new LinkedHashMap<>();
      out.printf(
          "test people, raw backbone (threshold %.4f) vs fine-tuned (threshold %.4f), kept: %s%n",
          raw.threshold(), threshold, kept);
      for (String dataset : raw.testByDataset().keySet()) {
        EvaluationResult r = raw.testByDataset().get(dataset);
        EvaluationResult f = tuned.testByDataset().get(dataset);
        rawEer.put(dataset, r.verification().eer());
        ftEer.put(dataset, f.verification().eer());
        printComparison(dataset, r, f, "");
      }
      printComparison(
          "all",
          raw.test(),
          tuned.test(),
          String.format("  (parity %.1e, %.0f s)", parity, seconds));
      out.println(
          "wrote " + modelFile + ", " + outDir.resolve(TrainPipeline.MODEL_CARD) + " and plots");
      return new Summary(modelFile, rawEer, ftEer, result.bestEpoch(), parity, seconds);
    }
  }

  private void printComparison(
      String name, EvaluationResult raw, EvaluationResult tuned, String suffix) {
    VerificationMetrics r = raw.verification();
    VerificationMetrics f = tuned.verification();
    out.printf(
        "  %-16s EER %.4f -> %.4f  TAR@FAR1%% %.4f -> %.4f  one-shot %.4f -> %.4f%s%n",
        name,
        r.eer(),
        f.eer(),
        r.tarAtFar1pct(),
        f.tarAtFar1pct(),
        raw.oneShotAccuracy(),
        tuned.oneShotAccuracy(),
        suffix);
  }

  /**
   * One embedding's figures with one threshold.
   *
   * @param threshold calibrated on the validation people
   * @param validation on the validation people
   * @param test on all test people
   * @param testByDataset on each dataset's test people
   */
  private record Measured(
      float threshold,
      EvaluationResult validation,
      EvaluationResult test,
      Map<String, EvaluationResult> testByDataset) {}

  private Measured measure(
      FaceDataset data,
      float[][] val,
      int[] valLabels,
      List<FaceImageRef> testImages,
      float[][] test,
      float threshold) {
    return new Measured(
        threshold,
        EvaluationResult.of(val, valLabels, threshold, options.seed()),
        EvaluationResult.of(test, SiameseTrainer.labels(testImages), threshold, options.seed()),
        byDataset(data, testImages, test, threshold));
  }

  /**
   * {@code model-card.json}: the scratch card's fields, plus the backbone and the raw backbone's
   * figures.
   */
  private void writeCard(
      Path file,
      Path modelFile,
      ModelMetadata metadata,
      Embedded embedded,
      FaceDataset data,
      IdentitySplit split,
      HeadTrainer.Result result,
      String kept,
      Map<String, String> hyper,
      Measured raw,
      Measured tuned,
      double parity,
      double seconds)
      throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode card = mapper.createObjectNode();
    List<EpochStats> epochs = result.epochs();
    card.put("model_version", metadata.modelVersion());
    card.put("threshold", metadata.threshold());
    card.put("operating_point", metadata.operatingPoint());
    card.put("threshold_calibrated_on", "validation");
    TrainPipeline.inputNode(card.putObject("input"), metadata.input());
    card.put("embedding_dim", metadata.embeddingDim());
    card.put("distance_metric", ModelMetadata.EUCLIDEAN);
    card.put(
        "seconds_per_epoch", epochs.stream().mapToDouble(EpochStats::seconds).average().orElse(0));
    card.put("train_seconds", result.trainSeconds());
    card.put("epochs_run", epochs.size());
    card.put("best_epoch", result.bestEpoch());
    card.put("kept", kept);
    card.putObject("head_start")
        .put("chosen", result.start())
        .put("validation_eer", result.startValidationEer());
    card.put("seed", options.seed());
    card.put("loss", options.asProvenance().get("loss"));
    ObjectNode bb = card.putObject("backbone");
    bb.put("name", finetune.backbone().name());
    bb.put("model_file", finetune.backbone().modelFile().toString());
    bb.put("model_version", embedded.metadata().modelVersion());
    bb.put("embedding_dim", embedded.metadata().embeddingDim());
    bb.put(
        "face_stage",
        embedded.metadata().alignment() == null ? "whole image" : "landmark alignment");
    bb.put("frozen", true);
    bb.put("embed_seconds", embedded.seconds());
    bb.put("images_embedded", embedded.cache().size());
    ObjectNode skipped = bb.putObject("images_left_out");
    embedded.cache().skipped().forEach(skipped::put);
    card.set("data", TrainPipeline.dataNode(mapper, data, split));
    metricsNode(mapper, card.putObject("metrics"), tuned);
    ObjectNode rawNode = card.putObject("raw_backbone");
    rawNode.put("threshold", raw.threshold());
    rawNode.put("threshold_calibrated_on", "validation");
    metricsNode(mapper, rawNode.putObject("metrics"), raw);
    card.put("onnx_parity_max_abs_diff", parity);
    ObjectNode hp = card.putObject("hyper_parameters");
    hyper.forEach(hp::put);
    MetricsJson.history(card.putArray("history"), epochs);
    card.put("run_seconds", seconds);
    card.set("host", HostInfo.host(mapper));
    card.put("code_version", metadata.provenance().get("code_version"));
    MetricsJson.cost(card, modelFile, metadata.alignment());
    mapper.writeValue(file.toFile(), card);
  }

  private static void metricsNode(ObjectMapper mapper, ObjectNode node, Measured m) {
    node.set("validation", MetricsJson.of(mapper, m.validation()));
    node.set("test", MetricsJson.of(mapper, m.test()));
    ObjectNode by = node.putObject("test_by_dataset");
    m.testByDataset().forEach((d, r) -> by.set(d, MetricsJson.of(mapper, r)));
  }

  /** The backbone's embeddings of every image, its metadata, and how long embedding took. */
  private record Embedded(EmbeddingCache cache, ModelMetadata metadata, double seconds) {}

  private Embedded embedOnce(FaceDataset data, IdentitySplit split, Path backboneFile) {
    try (OnnxEmbedder backbone =
            OnnxEmbedder.open(backboneFile, finetune.device(), finetune.threads());
        FaceStages.Loaded stage =
            FaceStages.open(
                backboneFile, backbone.metadata(), finetune.device(), finetune.threads())) {
      ModelMetadata meta = backbone.metadata();
      out.printf(
          "backbone: %s (%s, %d-d, input %dx%dx%d, %s) on %s%n",
          finetune.backbone().name(),
          meta.modelVersion(),
          meta.embeddingDim(),
          meta.input().channels(),
          meta.input().height(),
          meta.input().width(),
          meta.alignment() == null ? "whole image" : "landmark-aligned",
          backbone.device());
      // a mirror-averaged backbone gives a mirrored copy the same vector: nothing to embed
      Set<FaceImageRef> flip =
          finetune.flip() && !MirrorAverage.appliedIn(meta)
              ? new HashSet<>(data.images(split.train()))
              : Set.of();
      long e0 = System.nanoTime();
      EmbeddingCache cache =
          EmbeddingCache.build(
              data.images(data.identities()),
              flip,
              stage,
              new Preprocessor(meta.input()),
              backbone,
              out);
      return new Embedded(cache, meta, (System.nanoTime() - e0) / 1e9);
    }
  }

  /**
   * The exported model's embeddings of images the backbone could use, through its own face stage.
   */
  private float[][] embedWithExported(Path modelFile, List<FaceImageRef> images) {
    try (OnnxEmbedder exported =
            OnnxEmbedder.open(modelFile, finetune.device(), finetune.threads());
        FaceStages.Loaded stage =
            FaceStages.open(
                modelFile, exported.metadata(), finetune.device(), finetune.threads())) {
      EmbeddingCache again =
          EmbeddingCache.build(
              images,
              Set.of(),
              stage,
              new Preprocessor(exported.metadata().input()),
              exported,
              QUIET);
      if (again.size() != images.size()) {
        throw new IllegalStateException(
            "the exported model's face stage left out "
                + again.skipped()
                + " test images the backbone's kept: alignment is not reproducible");
      }
      return again.rows(images);
    }
  }

  /** The exported model's metadata: the backbone's input and alignment, the head's provenance. */
  private ModelMetadata metadata(
      FaceDataset data,
      IdentitySplit split,
      ModelMetadata backboneMeta,
      Map<String, String> hyper,
      int dim,
      float threshold,
      int bestEpoch) {
    String fingerprint = data.fingerprint();
    String modelVersion =
        "facegate-"
            + finetune.backbone().name()
            + "-"
            + finetune.head().name().toLowerCase(Locale.ROOT)
            + "-"
            + options.loss().name().toLowerCase(Locale.ROOT)
            + "-s"
            + options.seed()
            + "-"
            + fingerprint.substring(0, 8);
    Map<String, String> provenance = new LinkedHashMap<>();
    backboneMeta.provenance().forEach((k, v) -> provenance.put("backbone." + k, v));
    provenance.put("backbone.model_version", backboneMeta.modelVersion());
    provenance.put("backbone.embedding_dim", Integer.toString(backboneMeta.embeddingDim()));
    provenance.put("backbone.threshold", Float.toString(backboneMeta.threshold()));
    provenance.putAll(hyper);
    provenance.put("data_fingerprint", fingerprint);
    provenance.put("datasets", String.join(",", data.datasets()));
    provenance.put("code_version", HostInfo.codeVersion());
    provenance.put("best_epoch", Integer.toString(bestEpoch));
    provenance.put(
        "split_people",
        split.train().size() + "/" + split.validation().size() + "/" + split.test().size());
    return new ModelMetadata(
        modelVersion,
        backboneMeta.input(),
        dim,
        ModelMetadata.EUCLIDEAN,
        threshold,
        options.operatingPoint(),
        provenance,
        backboneMeta.alignment(),
        backboneMeta.detection());
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
    double t =
        options.targetFar() == null
            ? VerificationMetrics.equalErrorRate(pairs)[1]
            : VerificationMetrics.thresholdAtFar(pairs, options.targetFar());
    return (float) t;
  }

  private Map<String, EvaluationResult> byDataset(
      FaceDataset data, List<FaceImageRef> images, float[][] rows, float threshold) {
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
      out.put(
          dataset,
          EvaluationResult.of(sub, SiameseTrainer.labels(refs), threshold, options.seed()));
    }
    return out;
  }

  /**
   * The split's people with the images the backbone could use; people left with none are dropped.
   */
  private static Map<String, List<FaceImageRef>> usable(
      FaceDataset data, List<String> ids, EmbeddingCache cache, String what) {
    Map<String, List<FaceImageRef>> out = new LinkedHashMap<>();
    for (String id : ids) {
      List<FaceImageRef> imgs = data.images(id).stream().filter(cache::has).toList();
      if (!imgs.isEmpty()) {
        out.put(id, imgs);
      }
    }
    if (out.size() < 2) {
      throw new DatasetException(
          "fewer than two " + what + " people have an image the backbone can use");
    }
    return out;
  }

  private static List<FaceImageRef> flat(Map<String, List<FaceImageRef>> people) {
    return people.values().stream().flatMap(List::stream).toList();
  }
}
