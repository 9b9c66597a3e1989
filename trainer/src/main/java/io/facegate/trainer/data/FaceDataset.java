package io.facegate.trainer.data;

import io.facegate.model.preprocess.ImageFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Face images grouped by identity, read from one or more folder-per-identity roots. The folder
 * name is the identity within its dataset; identities are labelled {@code <dataset>/<folder>} so
 * two datasets never share a person. Everything is sorted, so the order is reproducible.
 */
public final class FaceDataset {

  private final Map<String, List<FaceImageRef>> byIdentity;
  private final List<String> datasets;

  private FaceDataset(Map<String, List<FaceImageRef>> byIdentity, List<String> datasets) {
    this.byIdentity = byIdentity;
    this.datasets = datasets;
  }

  /**
   * Scans the roots. Sub-folders with at least one PGM/PNG/JPEG file are identities; other files
   * are ignored.
   *
   * @throws DatasetException when a root is missing, not a folder, or holds no identity
   */
  public static FaceDataset scan(List<Path> roots) {
    if (roots == null || roots.isEmpty()) {
      throw new DatasetException("no data folder given (--data)");
    }
    Map<String, List<FaceImageRef>> all = new TreeMap<>();
    List<String> names = new ArrayList<>();
    for (Path root : roots) {
      Path abs = root.toAbsolutePath().normalize();
      if (!Files.isDirectory(abs)) {
        throw new DatasetException("data folder does not exist or is not a folder: " + root);
      }
      String dataset = abs.getFileName() == null ? "data" : abs.getFileName().toString();
      if (names.contains(dataset)) {
        throw new DatasetException("two data folders are both named '" + dataset + "'");
      }
      names.add(dataset);
      int before = all.size();
      try (Stream<Path> dirs = Files.list(abs)) {
        for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
          List<FaceImageRef> images = new ArrayList<>();
          String identity = dataset + "/" + dir.getFileName();
          try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
              formatOf(f).ifPresent(fmt -> images.add(new FaceImageRef(f, dataset, identity, fmt)));
            }
          }
          if (!images.isEmpty()) {
            all.put(identity, List.copyOf(images));
          }
        }
      } catch (IOException e) {
        throw new DatasetException("cannot read data folder " + root + ": " + e.getMessage(), e);
      }
      if (all.size() == before) {
        throw new DatasetException("data folder has no identity sub-folders with PGM/PNG/JPEG images: " + root);
      }
    }
    return new FaceDataset(Collections.unmodifiableMap(all), List.copyOf(names));
  }

  /** The image format for a file name, if it is one we read. */
  public static Optional<ImageFormat> formatOf(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".pgm")) {
      return Optional.of(ImageFormat.PGM);
    }
    if (name.endsWith(".png")) {
      return Optional.of(ImageFormat.PNG);
    }
    if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
      return Optional.of(ImageFormat.JPEG);
    }
    return Optional.empty();
  }

  /** Dataset names in the order given. */
  public List<String> datasets() {
    return datasets;
  }

  /** All identities, sorted. */
  public List<String> identities() {
    return List.copyOf(byIdentity.keySet());
  }

  /** Identities of one dataset, sorted. */
  public List<String> identitiesOf(String dataset) {
    return byIdentity.keySet().stream().filter(id -> id.startsWith(dataset + "/")).toList();
  }

  /** Images of one identity, sorted by path. */
  public List<FaceImageRef> images(String identity) {
    List<FaceImageRef> images = byIdentity.get(identity);
    if (images == null) {
      throw new IllegalArgumentException("unknown identity " + identity);
    }
    return images;
  }

  /** Images of the given identities, identity by identity. */
  public List<FaceImageRef> images(List<String> identities) {
    List<FaceImageRef> out = new ArrayList<>();
    identities.forEach(id -> out.addAll(images(id)));
    return out;
  }

  /** Total image count. */
  public int imageCount() {
    return byIdentity.values().stream().mapToInt(List::size).sum();
  }

  /**
   * SHA-256 over every image's dataset-relative path and size: changes when files are added,
   * removed, renamed or resized, cheap to compute on every run.
   */
  public String fingerprint() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (List<FaceImageRef> images : byIdentity.values()) {
        for (FaceImageRef ref : images) {
          md.update((ref.identity() + "/" + ref.path().getFileName() + ":" + Files.size(ref.path()) + "\n")
              .getBytes(StandardCharsets.UTF_8));
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException | IOException e) {
      throw new DatasetException("cannot fingerprint data: " + e.getMessage(), e);
    }
  }

  /** Identity -> images, for the given identities (insertion order kept). */
  public Map<String, List<FaceImageRef>> subset(List<String> identities) {
    Map<String, List<FaceImageRef>> out = new LinkedHashMap<>();
    identities.forEach(id -> out.put(id, images(id)));
    return out;
  }
}
