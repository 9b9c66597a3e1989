package io.facegate.trainer.pretrained;

import io.facegate.model.face.DetectionSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Imports one of face-api's hand-written networks from the fetched {@code @vladmandic/face-api}
 * package as a facegate ONNX model: reads its TF.js weights, rebuilds the graph and writes it into
 * {@code OUT}: the embedding network as {@code model.onnx} (like a trained model's folder, so
 * {@code evaluate} and the processor take it as it is), a landmark network as {@code NAME.onnx}.
 * The entry point of {@code facegate pretrained import dlib-resnet|landmarks68|landmarks68-tiny}.
 */
public final class FaceApiImport {

  /** The embedding model's file name in the output folder. */
  public static final String MODEL_FILE = "model.onnx";

  /** The networks this import knows, by the name the command takes. */
  public enum Network {
    /** FaceRecognitionNet, the 128-d descriptor: an embedding model under facegate's contract. */
    DLIB_RESNET("dlib-resnet", "face_recognition_model", null),
    /** FaceLandmark68Net. */
    LANDMARKS68("landmarks68", "face_landmark_68_model", FaceLandmark68NetOnnx.Variant.FULL),
    /** FaceLandmark68TinyNet. */
    LANDMARKS68_TINY(
        "landmarks68-tiny", "face_landmark_68_tiny_model", FaceLandmark68NetOnnx.Variant.TINY);

    private final String cliName;
    private final String modelName;
    private final FaceLandmark68NetOnnx.Variant landmarks;

    Network(String cliName, String modelName, FaceLandmark68NetOnnx.Variant landmarks) {
      this.cliName = cliName;
      this.modelName = modelName;
      this.landmarks = landmarks;
    }

    /** The name the command takes. */
    public String cliName() {
      return cliName;
    }

    /** face-api's name for the weights. */
    public String modelName() {
      return modelName;
    }

    /** Whether this is an embedding model, which needs a calibrated threshold. */
    public boolean isEmbedding() {
      return landmarks == null;
    }

    /** The network the command calls {@code name}, if any. */
    public static Optional<Network> find(String name) {
      return Arrays.stream(values()).filter(n -> n.cliName.equals(name)).findFirst();
    }

    /**
     * The network the command calls {@code name}.
     *
     * @throws IllegalArgumentException naming the known ones
     */
    public static Network named(String name) {
      return find(name)
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "unknown network "
                          + name
                          + "; known: "
                          + Arrays.stream(values()).map(Network::cliName).toList()));
    }
  }

  /**
   * What an import wrote.
   *
   * @param file the ONNX file
   * @param bytes its size
   * @param card the provenance written into it
   */
  public record Imported(Path file, long bytes, PretrainedCard card) {}

  private FaceApiImport() {}

  /**
   * Builds FaceRecognitionNet and writes {@code outDir/model.onnx}, with face-api's SSD MobileNetV1
   * beside it as the face detector for whole frames ({@link DetectionSpec#faceApiSsd()}).
   *
   * @param faceApi the verified cache of {@link PretrainedCatalogue#FACE_API}
   * @param thresholdSource a threshold calibrated elsewhere, or the people to calibrate it on (as
   *     the faceres import does: all their pairs, at the EER or a target FAR)
   * @param producerVersion the code version written into the model
   * @param progress calibration progress messages
   * @throws IOException when the weights cannot be read or the file written
   * @throws TfjsFormatException when the weights do not fit the network
   */
  public static Imported embedding(
      FetchedPackage faceApi,
      Path outDir,
      ThresholdSource thresholdSource,
      String producerVersion,
      PrintStream progress)
      throws IOException {
    Network network = Network.DLIB_RESNET;
    PretrainedCard card = card(faceApi, network);
    TfjsWeights weights = weights(faceApi, network);
    DetectionSpec detection = DetectionSpec.faceApiSsd();
    byte[] onnx;
    if (thresholdSource instanceof ThresholdSource.Given given) {
      onnx =
          FaceRecognitionNetOnnx.build(
              weights,
              card,
              given.threshold(),
              given.operatingPoint(),
              Map.of(),
              detection,
              producerVersion);
    } else {
      ThresholdSource.CalibratedOn on = (ThresholdSource.CalibratedOn) thresholdSource;
      Files.createDirectories(outDir);
      // the network needs a model file to embed with; the provisional threshold never leaves this
      // block
      Path tmp = Files.createTempFile(outDir, ".dlib-resnet-provisional-", ".onnx");
      try {
        Files.write(
            tmp,
            FaceRecognitionNetOnnx.build(
                weights, card, 1f, "provisional", Map.of(), null, producerVersion));
        ThresholdCalibration.Result c =
            ThresholdCalibration.run(tmp, on.dataRoots(), on.targetFar(), progress);
        onnx =
            FaceRecognitionNetOnnx.build(
                weights,
                card,
                (float) c.threshold(),
                on.operatingPoint(),
                c.provenance(),
                detection,
                producerVersion);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    SsdMobilenetv1Graph.write(faceApi, producerVersion, outDir.resolve(detection.detectorModel()));
    return new Imported(write(onnx, outDir.resolve(MODEL_FILE)), onnx.length, card);
  }

  /**
   * Builds a landmark network and writes {@code outDir/NAME.onnx}.
   *
   * @param faceApi the verified cache of {@link PretrainedCatalogue#FACE_API}
   * @param network {@link Network#LANDMARKS68} or {@link Network#LANDMARKS68_TINY}
   * @param producerVersion the code version written into the model
   * @throws IOException when the weights cannot be read or the file written
   * @throws TfjsFormatException when the weights do not fit the network
   */
  public static Imported landmarks(
      FetchedPackage faceApi, Network network, Path outDir, String producerVersion)
      throws IOException {
    if (network.isEmbedding()) {
      throw new IllegalArgumentException(network.cliName + " is not a landmark network");
    }
    PretrainedCard card = card(faceApi, network);
    byte[] onnx =
        FaceLandmark68NetOnnx.build(
            weights(faceApi, network), network.landmarks, card, producerVersion);
    return new Imported(write(onnx, outDir.resolve(network.cliName + ".onnx")), onnx.length, card);
  }

  private static PretrainedCard card(FetchedPackage faceApi, Network network) throws IOException {
    if (!faceApi.pkg().name().equals(PretrainedCatalogue.FACE_API.name())) {
      throw new IllegalArgumentException(
          network.cliName
              + " comes from "
              + PretrainedCatalogue.FACE_API.spec()
              + ", not "
              + faceApi.pkg().spec());
    }
    return PretrainedCard.forLayersModel(faceApi, network.modelName, network.cliName);
  }

  private static TfjsWeights weights(FetchedPackage faceApi, Network network) throws IOException {
    return TfjsWeights.readManifest(faceApi.file(PretrainedCard.manifestFile(network.modelName)));
  }

  private static Path write(byte[] onnx, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    // written aside and moved, so a reader never sees half a model
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.write(tmp, onnx);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return file;
  }
}
