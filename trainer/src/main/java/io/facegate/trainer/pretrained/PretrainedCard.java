package io.facegate.trainer.pretrained;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an imported pretrained model's card says about where it came from, written into the ONNX
 * {@code metadata_props} as {@code facegate.provenance.*} entries (the keys {@link #provenance}
 * lists) beside the model contract.
 *
 * @param modelVersion the card's model version, e.g. {@code dlib-resnet-face-api-1.7.15}
 * @param npmPackage the package the weights come from, e.g. {@code @vladmandic/face-api}
 * @param packageVersion its pinned version
 * @param integrity the package tarball's pinned integrity ({@code sha512-...})
 * @param licence the package's licence (SPDX id)
 * @param sourceFiles SHA-256 (hex) of each file the weights were read from, by path inside the
 *     package
 * @param sourceBytes total size of those files
 */
public record PretrainedCard(
    String modelVersion,
    String npmPackage,
    String packageVersion,
    String integrity,
    String licence,
    Map<String, String> sourceFiles,
    long sourceBytes) {

  /** Copies the file map; rejects blanks. */
  public PretrainedCard {
    for (String s : new String[] {modelVersion, npmPackage, packageVersion, integrity, licence}) {
      if (s == null || s.isBlank()) {
        throw new IllegalArgumentException("every card field must be non-blank");
      }
    }
    sourceFiles = Collections.unmodifiableMap(new TreeMap<>(sourceFiles));
  }

  /**
   * The card of one TF.js layers model ({@code model/NAME-weights_manifest.json} and {@code
   * model/NAME.bin}) of a fetched, verified package.
   *
   * @param backbone the network's name in the model version, e.g. {@code dlib-resnet}
   * @throws IOException when a file's size cannot be read
   */
  public static PretrainedCard forLayersModel(
      FetchedPackage fetched, String modelName, String backbone) throws IOException {
    Map<String, String> files = new TreeMap<>();
    long bytes = 0;
    for (String file : new String[] {manifestFile(modelName), weightsFile(modelName)}) {
      files.put(file, fetched.sha256().get(file));
      bytes += Files.size(fetched.file(file));
    }
    PretrainedPackage pkg = fetched.pkg();
    return new PretrainedCard(
        backbone + "-" + pkg.shortName() + "-" + pkg.version(),
        pkg.name(),
        pkg.version(),
        pkg.integrity(),
        pkg.licence(),
        files,
        bytes);
  }

  /** Path of a layers model's manifest inside face-api's package. */
  static String manifestFile(String modelName) {
    return "model/" + modelName + "-weights_manifest.json";
  }

  /** Path of a layers model's (single) weights shard inside face-api's package. */
  static String weightsFile(String modelName) {
    return "model/" + modelName + ".bin";
  }

  /**
   * The provenance entries (keys without the {@code facegate.provenance.} prefix).
   *
   * @param backbone the network's name, e.g. {@code dlib-resnet}
   * @param modelName the weights' name in the package
   * @param parameters number of weight values in the graph
   */
  public Map<String, String> provenance(String backbone, String modelName, long parameters) {
    // the same keys as the other importers' cards (FaceresImport), so cards compare side by side
    Map<String, String> p = new TreeMap<>();
    p.put("backbone", backbone);
    p.put("parameters", Long.toString(parameters));
    p.put("source.package", npmPackage);
    p.put("source.version", packageVersion);
    p.put("source.integrity", integrity);
    p.put("source.licence", licence);
    p.put("source.model", modelName);
    p.put("source.model_file", manifestFile(modelName));
    p.put("source.model_sha256", sourceFiles.getOrDefault(manifestFile(modelName), "unknown"));
    p.put("source.weights_file", weightsFile(modelName));
    p.put("source.weights_sha256", sourceFiles.getOrDefault(weightsFile(modelName), "unknown"));
    p.put("source.bytes", Long.toString(sourceBytes));
    return p;
  }
}
