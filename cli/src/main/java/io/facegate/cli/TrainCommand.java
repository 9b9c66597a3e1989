package io.facegate.cli;

import io.facegate.model.metadata.InvalidModelMetadataException;
import io.facegate.model.onnx.DeviceSpec;
import io.facegate.model.onnx.ModelLoadException;
import io.facegate.trainer.data.DatasetException;
import io.facegate.trainer.finetune.Backbone;
import io.facegate.trainer.finetune.FinetuneOptions;
import io.facegate.trainer.pipeline.FinetunePipeline;
import io.facegate.trainer.pipeline.TrainPipeline;
import io.facegate.trainer.training.LossKind;
import io.facegate.trainer.training.TrainingDefaults;
import io.facegate.trainer.training.TrainingOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code facegate train}: trains the Siamese embedding network from scratch, or a projection head
 * on a frozen pretrained backbone ({@code --backbone}), and exports it to ONNX.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Train the face-embedding network on folder-per-identity data (from scratch, or a projection head "
            + "on a pretrained backbone), evaluate it on held-out people and write model.onnx, model-card.json and plots.")
public final class TrainCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(
      names = "--data",
      required = true,
      description = "Folder-per-identity dataset root; repeat to combine datasets.")
  List<Path> data;

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  @Option(
      names = "--seed",
      description = "Random seed (mandatory): split, sampling, augmentation, initialisation.")
  Long seed;

  @Option(
      names = "--loss",
      defaultValue = TrainingDefaults.LOSS,
      description = "triplet | contrastive (default: ${DEFAULT-VALUE}).")
  String loss;

  @Option(
      names = "--epochs",
      defaultValue = TrainingDefaults.EPOCHS,
      description = "Maximum epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--steps-per-epoch",
      defaultValue = TrainingDefaults.STEPS_PER_EPOCH,
      description = "Optimiser steps per epoch (default: ${DEFAULT-VALUE}).")
  int stepsPerEpoch;

  @Option(
      names = "--pairs-per-step",
      defaultValue = TrainingDefaults.PAIRS_PER_STEP,
      description = "Contrastive: pairs per step, half genuine (default: ${DEFAULT-VALUE}).")
  int pairsPerStep;

  @Option(
      names = "--identities-per-step",
      defaultValue = TrainingDefaults.IDENTITIES_PER_STEP,
      description = "Triplet: people per batch P (default: ${DEFAULT-VALUE}).")
  int identitiesPerStep;

  @Option(
      names = "--images-per-identity",
      defaultValue = TrainingDefaults.IMAGES_PER_IDENTITY,
      description = "Triplet: images per person K (default: ${DEFAULT-VALUE}).")
  int imagesPerIdentity;

  @Option(
      names = "--learning-rate",
      description =
          "Adam learning rate, cosine-decayed (default: "
              + TrainingDefaults.LEARNING_RATE
              + " from scratch, "
              + TrainingDefaults.HEAD_LEARNING_RATE
              + " for a head on --backbone).")
  Float learningRate;

  @Option(
      names = "--weight-decay",
      defaultValue = TrainingDefaults.WEIGHT_DECAY,
      description = "Weight decay (default: ${DEFAULT-VALUE}).")
  float weightDecay;

  @Option(names = "--margin", description = "Loss margin (default: 1.0 contrastive, 0.3 triplet).")
  Float margin;

  @Option(
      names = "--mining",
      defaultValue = TrainingDefaults.MINING,
      description = "Triplet negative mining: hard | semi-hard (default: ${DEFAULT-VALUE}).")
  String mining;

  @Option(
      names = "--patience",
      defaultValue = TrainingDefaults.PATIENCE,
      description = "Early stopping patience in epochs (default: ${DEFAULT-VALUE}).")
  int patience;

  @Option(names = "--no-augment", description = "Disable training augmentation.")
  boolean noAugment;

  @Option(
      names = "--input-size",
      defaultValue = TrainingDefaults.INPUT_SIZE,
      description = "Model input width = height (default: ${DEFAULT-VALUE}).")
  int inputSize;

  @Option(
      names = "--input-channels",
      defaultValue = TrainingDefaults.INPUT_CHANNELS,
      description = "1 = grey, 3 = RGB (default: ${DEFAULT-VALUE}).")
  int inputChannels;

  @Option(
      names = "--channels",
      defaultValue = TrainingDefaults.CHANNELS,
      description = "Filters per conv block (default: ${DEFAULT-VALUE}).")
  String channels;

  @Option(
      names = "--pooling",
      defaultValue = TrainingDefaults.POOLING,
      description =
          "Last feature map to vector: average (per channel) | flatten (default: ${DEFAULT-VALUE}).")
  String pooling;

  @Option(
      names = "--embedding-dim",
      defaultValue = TrainingDefaults.EMBEDDING_DIM,
      description = "Embedding size (default: ${DEFAULT-VALUE}).")
  int embeddingDim;

  @Option(
      names = "--validation-fraction",
      defaultValue = TrainingDefaults.VALIDATION_FRACTION,
      description = "People per dataset for validation (default: ${DEFAULT-VALUE}).")
  double validationFraction;

  @Option(
      names = "--test-fraction",
      defaultValue = TrainingDefaults.TEST_FRACTION,
      description = "People per dataset held out for test (default: ${DEFAULT-VALUE}).")
  double testFraction;

  @Option(
      names = "--target-far",
      description =
          "Calibrate the threshold at this validation FAR (e.g. 0.001) instead of the EER.")
  Double targetFar;

  @Option(
      names = "--threads",
      defaultValue = TrainingDefaults.THREADS,
      description =
          "PyTorch intra-op threads (default: ${DEFAULT-VALUE}: bit-for-bit the same result on any machine, "
              + "and steadier on a busy shared host); 0 = PyTorch's default (all cores).")
  int threads;

  @Option(
      names = "--strict-images",
      description =
          "Fail on the first unusable image (not PGM/PNG/JPEG, corrupt, too small...) instead of "
              + "counting it by reason in the model card and going on.")
  boolean strictImages;

  @Option(
      names = "--backbone",
      defaultValue = Backbone.SCRATCH,
      description =
          "scratch (the small CNN trained from scratch) | pretrained (= "
              + Backbone.RECOMMENDED
              + ", recommended) | faceres | dlib-resnet | another NAME in the backbone registry | PATH to a folder "
              + "holding model.onnx or to the file (default: ${DEFAULT-VALUE}).")
  String backbone;

  @Option(
      names = "--backbone-registry",
      description =
          "Folder of imported backbones, NAME/model.onnx (default: $"
              + Backbone.REGISTRY_ENV
              + ", else "
              + Backbone.DEFAULT_REGISTRY
              + ").")
  Path backboneRegistry;

  @Option(
      names = "--head",
      defaultValue = "linear",
      description = "With --backbone: projection head, linear | mlp (default: ${DEFAULT-VALUE}).")
  String head;

  @Option(
      names = "--head-dim",
      description =
          "With --backbone: head output length (default: the backbone's; smaller starts from a PCA "
              + "projection).")
  Integer headDim;

  @Option(
      names = "--head-start",
      defaultValue = "best",
      description =
          "With --backbone: where the head starts, fitted on the training people: raw (the "
              + "backbone as it is), whitened (within-person whitening, strengths 0.1..10) or best "
              + "(every one of them; the lowest validation EER is epoch 0) (default: "
              + "${DEFAULT-VALUE}).")
  String headStart;

  @Option(
      names = "--device",
      defaultValue = "cpu",
      description =
          "With --backbone: where ONNX Runtime runs the backbone, cpu | cuda | cuda:N | auto "
              + "(default: ${DEFAULT-VALUE}).")
  String device;

  @Option(
      names = "--onnx-threads",
      defaultValue = "0",
      description =
          "With --backbone: ONNX Runtime intra-op threads, 0 = its default (default: ${DEFAULT-VALUE}).")
  int onnxThreads;

  /** Runs {@code train} on its own. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new TrainCommand()).execute(args));
  }

  @Override
  public Integer call() {
    TrainingDefaults.configureEngine(threads);
    if (seed == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--seed is mandatory (runs must be reproducible)");
    }
    TrainingOptions options;
    FinetuneOptions finetune;
    try {
      options = trainingOptions();
      finetune = finetuneOptions(!noAugment);
    } catch (IllegalArgumentException e) {
      // the options' own validation names the option at fault
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    try {
      if (finetune == null) {
        new TrainPipeline(options, System.out, strictImages).run(data, out);
      } else {
        new FinetunePipeline(options, finetune, System.out, strictImages).run(data, out);
      }
      return 0;
    } catch (DatasetException
        | InvalidModelMetadataException
        | ModelLoadException
        | IllegalStateException e) {
      // unusable data or backbone, diverged training, a non-finite embedding: the message says what
      // and where
      throw new CommandFailedException(e.getMessage(), e);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e.getMessage(), e);
    } catch (ai.onnxruntime.OrtException e) {
      throw new CommandFailedException("ONNX Runtime: " + e.getMessage(), e);
    }
  }

  /**
   * The options as given, defaults from {@link TrainingDefaults}.
   *
   * @throws IllegalArgumentException naming the option that is wrong
   */
  TrainingOptions trainingOptions() {
    LossKind kind = TrainingDefaults.lossKind(loss);
    float m = margin != null ? margin : TrainingDefaults.defaultMargin(kind);
    return new TrainingOptions(
        seed,
        kind,
        epochs,
        stepsPerEpoch,
        pairsPerStep,
        identitiesPerStep,
        imagesPerIdentity,
        learningRate != null
            ? learningRate
            : TrainingDefaults.defaultLearningRate(!Backbone.isScratch(backbone)),
        weightDecay,
        m,
        patience,
        !noAugment,
        inputSize,
        inputChannels,
        TrainingDefaults.channels(channels),
        TrainingDefaults.pooling(pooling),
        embeddingDim,
        validationFraction,
        testFraction,
        targetFar,
        TrainingDefaults.mining(mining));
  }

  /**
   * The fine-tuning options, or {@code null} for {@code --backbone scratch}.
   *
   * @throws IllegalArgumentException naming the option that is wrong
   */
  FinetuneOptions finetuneOptions(boolean flip) {
    if (Backbone.isScratch(backbone)) {
      if (headDim != null) {
        throw new IllegalArgumentException(
            "--head-dim needs --backbone (scratch uses --embedding-dim)");
      }
      return null;
    }
    FinetuneOptions.HeadKind kind = FinetuneOptions.HeadKind.parse(head);
    FinetuneOptions.HeadStart start = FinetuneOptions.HeadStart.parse(headStart);
    DeviceSpec deviceSpec = DeviceSpec.parse(device);
    return new FinetuneOptions(
        Backbone.resolve(backbone, Backbone.registry(backboneRegistry)),
        kind,
        headDim,
        start,
        flip,
        deviceSpec,
        onnxThreads);
  }
}
