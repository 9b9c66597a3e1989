package io.facegate.trainer.pretrained;

import java.nio.file.Path;
import java.util.Map;

/**
 * A pretrained package whose files are in the local cache, verified against its pin.
 *
 * @param pkg the catalogue entry
 * @param directory the cache folder, {@code .facegate/pretrained/NAME@VERSION}
 * @param sha256 hex SHA-256 of each extracted file, by its path inside the package
 */
public record FetchedPackage(PretrainedPackage pkg, Path directory, Map<String, String> sha256) {

  /** Copies the map. */
  public FetchedPackage {
    sha256 = Map.copyOf(sha256);
  }

  /**
   * A file of the package, by its path inside the package ({@code models/faceres.json}).
   *
   * @throws IllegalArgumentException for a file the catalogue does not extract
   */
  public Path file(String path) {
    if (!sha256.containsKey(path)) {
      throw new IllegalArgumentException(
          pkg.spec() + " does not provide " + path + "; extracted: " + sha256.keySet());
    }
    return directory.resolve(path);
  }
}
