package io.facegate.trainer.pretrained;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Imports one of face-api's hand-written networks from the fetched {@code @vladmandic/face-api}
 * package as a facegate ONNX model: reads its TF.js weights, rebuilds the graph and writes
 * it into {@code OUT}: the embedding network as {@code model.onnx} (like a trained model's folder,
 * so {@code evaluate} and the processor take it as it is), a landmark network as
 * {@code NAME.onnx}. The entry point a CLI command ({@code facegate pretrained import NAME}) calls.
 */
public final class FaceApiImport {

  /** The networks this import knows, by the name the command takes. */
  public enum Network {
    /** FaceRecognitionNet, the 128-d descriptor: an embedding model under facegate's contract. */
    DLIB_RESNET("dlib-resnet", "face_recognition_model"),
    /** FaceLandmark68Net. */
    LANDMARKS68("landmarks68", "face_landmark_68_model"),
    /** FaceLandmark68TinyNet. */
    LANDMARKS68_TINY("landmarks68-tiny", "face_landmark_68_tiny_model");

    private final String cliName;
    private final String modelName;

    Network(String cliName, String modelName) {
      this.cliName = cliName;
      this.modelName = modelName;
    }

    /** The name the command takes, also the output file's stem. */
    public String cliName() {
      return cliName;
    }

    /** face-api's name for the weights. */
    public String modelName() {
      return modelName;
    }

    /** The network called {@code name}. */
    public static Network named(String name) {
      return Arrays.stream(values()).filter(n -> n.cliName.equals(name.toLowerCase(Locale.ROOT))).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("unknown network " + name + "; known: "
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

  /** The embedding model's file name in the output folder. */
  public static final String MODEL_FILE = "model.onnx";

  private FaceApiImport() {}

  /**
   * Builds {@code network} from the fetched face-api package and writes {@code outDir/NAME.onnx}.
   *
   * @param faceApi the verified cache of {@link PretrainedCatalogue#FACE_API}
   * @param threshold for the embedding model: the distance threshold its card states (ignored for
   *     landmarks)
   * @param operatingPoint how that threshold was chosen
   * @param producerVersion the code version written into the model
   * @throws IOException when the weights cannot be read or the file written
   * @throws TfjsFormatException when the weights do not fit the network
   */
  public static Imported run(FetchedPackage faceApi, Network network, Path outDir, float threshold,
                             String operatingPoint, String producerVersion) throws IOException {
    if (!faceApi.pkg().name().equals(PretrainedCatalogue.FACE_API.name())) {
      throw new IllegalArgumentException(network.cliName + " comes from " + PretrainedCatalogue.FACE_API.spec()
          + ", not " + faceApi.pkg().spec());
    }
    TfjsWeights weights = TfjsWeights.readManifest(
        faceApi.file(PretrainedCard.manifestFile(network.modelName)));
    PretrainedCard card = PretrainedCard.forLayersModel(faceApi, network.modelName, network.cliName, threshold, operatingPoint);
    byte[] onnx = switch (network) {
      case DLIB_RESNET -> FaceRecognitionNetOnnx.build(weights, card, producerVersion);
      case LANDMARKS68 -> FaceLandmark68NetOnnx.build(weights, FaceLandmark68NetOnnx.Variant.FULL, card, producerVersion);
      case LANDMARKS68_TINY -> FaceLandmark68NetOnnx.build(weights, FaceLandmark68NetOnnx.Variant.TINY, card, producerVersion);
    };
    Files.createDirectories(outDir);
    Path file = outDir.resolve(network == Network.DLIB_RESNET ? MODEL_FILE : network.cliName + ".onnx");
    // written aside and moved, so a reader never sees half a model
    Path tmp = outDir.resolve(file.getFileName() + ".tmp");
    try {
      Files.write(tmp, onnx);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return new Imported(file, onnx.length, card);
  }
}
