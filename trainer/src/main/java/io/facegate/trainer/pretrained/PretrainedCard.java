package io.facegate.trainer.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an imported pretrained model's card says about where it came from, written into the ONNX
 * {@code metadata_props} as {@code facegate.provenance.*} entries (the keys {@link #provenance}
 * lists) beside the model contract.
 *
 * @param modelVersion the card's model version, e.g. {@code face-api@1.7.15/face_recognition_model}
 * @param npmPackage the package the weights come from, e.g. {@code @vladmandic/face-api}
 * @param packageVersion its pinned version
 * @param integrity the package tarball's integrity string as the registry states it ({@code sha512-...}),
 *     or {@code unknown} when the weights were not fetched by the pinned step
 * @param license the package's licence (SPDX id)
 * @param sourceFiles SHA-256 (hex) of each file the weights were read from, by file name
 * @param sourceBytes total size of those files
 * @param threshold distance threshold the card states (on the L2-normalised embedding)
 * @param operatingPoint how that threshold was chosen
 */
public record PretrainedCard(String modelVersion, String npmPackage, String packageVersion, String integrity,
                             String license, Map<String, String> sourceFiles, long sourceBytes, float threshold,
                             String operatingPoint) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Copies the file map; rejects blanks. */
  public PretrainedCard {
    for (String s : new String[] {modelVersion, npmPackage, packageVersion, integrity, license, operatingPoint}) {
      if (s == null || s.isBlank()) {
        throw new IllegalArgumentException("every card field must be non-blank");
      }
    }
    sourceFiles = Collections.unmodifiableMap(new TreeMap<>(sourceFiles));
  }

  /**
   * A card for weights read from a layers-model manifest: hashes the manifest and every shard it
   * names.
   *
   * @throws IOException when a file cannot be read
   */
  public static PretrainedCard forManifest(Path manifest, String npmPackage, String packageVersion,
                                           String integrity, String license, float threshold,
                                           String operatingPoint) throws IOException {
    Map<String, String> hashes = new TreeMap<>();
    long bytes = 0;
    hashes.put(manifest.getFileName().toString(), sha256(manifest));
    bytes += Files.size(manifest);
    JsonNode groups;
    try (InputStream in = Files.newInputStream(manifest)) {
      groups = JSON.readTree(in);
    }
    for (JsonNode group : groups) {
      for (JsonNode p : group.path("paths")) {
        Path shard = manifest.resolveSibling(p.asText());
        hashes.put(shard.getFileName().toString(), sha256(shard));
        bytes += Files.size(shard);
      }
    }
    String modelName = manifest.getFileName().toString().replace("-weights_manifest.json", "");
    String shortName = npmPackage.substring(npmPackage.lastIndexOf('/') + 1);
    return new PretrainedCard(shortName + "@" + packageVersion + "/" + modelName, npmPackage, packageVersion,
        integrity, license, hashes, bytes, threshold, operatingPoint);
  }

  /**
   * The provenance entries (keys without the {@code facegate.provenance.} prefix).
   *
   * @param backbone the network's name, e.g. {@code dlib-resnet}
   * @param modelName the weights' name in the package
   * @param parameters number of weight values in the graph
   */
  public Map<String, String> provenance(String backbone, String modelName, long parameters) {
    Map<String, String> p = new TreeMap<>();
    p.put("backbone", backbone);
    p.put("parameters", Long.toString(parameters));
    p.put("source.package", npmPackage);
    p.put("source.version", packageVersion);
    p.put("source.integrity", integrity);
    p.put("source.license", license);
    p.put("source.model", modelName);
    p.put("source.bytes", Long.toString(sourceBytes));
    sourceFiles.forEach((file, sha) -> p.put("source.sha256." + file, sha));
    return p;
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        digest.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
