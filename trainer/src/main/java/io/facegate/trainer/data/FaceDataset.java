package io.facegate.trainer.data;

import io.facegate.model.face.FaceAlignmentException;
import io.facegate.model.preprocess.ImageDecoder;
import io.facegate.model.preprocess.ImageFormat;
import io.facegate.model.preprocess.ImageLimits;
import io.facegate.model.preprocess.ImageRejectedException;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Face images grouped by identity, read from one or more folder-per-identity roots. The folder name
 * is the identity within its dataset; identities are labelled {@code <dataset>/<folder>} so two
 * datasets never share a person. Everything is sorted, so the order is reproducible.
 *
 * <p>A file's format comes from its first bytes, never from its name: real datasets hold PNG bytes
 * named {@code .jpg}. Files that are named like images but are not PGM, PNG or JPEG, and (after
 * {@link #usable}) images the decoder rejects, are {@linkplain #unusable() counted by reason}
 * rather than ending the run.
 */
public final class FaceDataset {

  /**
   * File name endings that promise an image; such a file that is not one is counted as unusable.
   */
  private static final Set<String> IMAGE_SUFFIXES =
      Set.of(
          "pgm", "png", "jpg", "jpeg", "jfif", "gif", "bmp", "webp", "tif", "tiff", "ppm", "pbm",
          "pnm");

  private static final int MAGIC_BYTES = 16;

  private final Map<String, List<FaceImageRef>> byIdentity;
  private final List<String> datasets;
  private final List<UnusableImage> unusable;

  private FaceDataset(
      Map<String, List<FaceImageRef>> byIdentity,
      List<String> datasets,
      List<UnusableImage> unusable) {
    this.byIdentity = byIdentity;
    this.datasets = datasets;
    this.unusable = unusable;
  }

  /**
   * Scans the roots. Sub-folders with at least one PGM/PNG/JPEG file (by content) are identities;
   * files named like images that are none of these are recorded as unusable; other files are
   * ignored.
   *
   * @throws DatasetException when a root is missing, not a folder, or holds no identity
   */
  public static FaceDataset scan(List<Path> roots) {
    if (roots == null || roots.isEmpty()) {
      throw new DatasetException("no data folder given (--data)");
    }
    Map<String, List<FaceImageRef>> all = new TreeMap<>();
    List<UnusableImage> unusable = new ArrayList<>();
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
              Optional<ImageFormat> format = formatOf(f);
              if (format.isPresent()) {
                images.add(new FaceImageRef(f, dataset, identity, format.get()));
              } else if (namedLikeAnImage(f)) {
                unusable.add(whyNotAnImage(f, identity));
              }
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
        throw new DatasetException(
            "data folder has no identity sub-folders with PGM/PNG/JPEG images: " + root);
      }
    }
    return new FaceDataset(
        Collections.unmodifiableMap(all), List.copyOf(names), List.copyOf(unusable));
  }

  /**
   * The image format of a file, read from its first bytes (its magic number), if it is one we read;
   * the file name plays no part.
   *
   * @throws DatasetException if the file cannot be read
   */
  public static Optional<ImageFormat> formatOf(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return ImageFormat.sniff(in.readNBytes(MAGIC_BYTES));
    } catch (IOException e) {
      throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean namedLikeAnImage(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    return dot >= 0 && IMAGE_SUFFIXES.contains(name.substring(dot + 1));
  }

  /** The decoder's own verdict on a file whose magic number is not PGM, PNG or JPEG. */
  private static UnusableImage whyNotAnImage(Path file, String identity) {
    try {
      new ImageDecoder(ImageLimits.defaults()).decode(Files.readAllBytes(file));
      return new UnusableImage(
          file,
          identity,
          ImageRejectedException.Kind.UNSUPPORTED_FORMAT.name(),
          "not a PGM, PNG or JPEG");
    } catch (ImageRejectedException e) {
      return new UnusableImage(file, identity, e.kind().name(), e.getMessage());
    } catch (IOException e) {
      return new UnusableImage(file, identity, UnusableImage.UNREADABLE, e.getMessage());
    }
  }

  /**
   * This dataset without the images {@code store} cannot decode (each is decoded once, and stays in
   * the store's cache); identities left without images are dropped. The rejected images join {@link
   * #unusable()}.
   *
   * @param strict fail on the first unusable image (also those found by {@link #scan}) instead
   * @throws DatasetException in strict mode, naming the first unusable image; or when no usable
   *     image is left
   */
  public FaceDataset usable(ImageStore store, boolean strict) {
    if (strict && !unusable.isEmpty()) {
      throw strictFailure(unusable.get(0));
    }
    Map<String, List<FaceImageRef>> kept = new TreeMap<>();
    List<UnusableImage> rejected = new ArrayList<>(unusable);
    for (Map.Entry<String, List<FaceImageRef>> e : byIdentity.entrySet()) {
      List<FaceImageRef> ok = new ArrayList<>();
      for (FaceImageRef ref : e.getValue()) {
        UnusableImage bad = null;
        try {
          store.decode(ref);
          ok.add(ref);
        } catch (ImageRejectedException ex) {
          bad = new UnusableImage(ref.path(), ref.identity(), ex.kind().name(), ex.getMessage());
        } catch (IOException ex) {
          bad =
              new UnusableImage(
                  ref.path(), ref.identity(), UnusableImage.UNREADABLE, ex.getMessage());
        } catch (FaceAlignmentException ex) {
          bad =
              new UnusableImage(ref.path(), ref.identity(), UnusableImage.NO_FACE, ex.getMessage());
        }
        if (bad != null) {
          if (strict) {
            throw strictFailure(bad);
          }
          rejected.add(bad);
        }
      }
      if (!ok.isEmpty()) {
        kept.put(e.getKey(), List.copyOf(ok));
      }
    }
    if (kept.isEmpty()) {
      throw new DatasetException(
          "no usable image: all "
              + rejected.size()
              + " are unusable, e.g. "
              + rejected.get(0).path()
              + ": "
              + rejected.get(0).detail());
    }
    return new FaceDataset(Collections.unmodifiableMap(kept), datasets, List.copyOf(rejected));
  }

  private static DatasetException strictFailure(UnusableImage bad) {
    return new DatasetException(
        "unusable image "
            + bad.path()
            + ": "
            + bad.detail()
            + " (strict images: drop the option to count and skip such images)");
  }

  /** Image files that were found but cannot be used, in scan order. */
  public List<UnusableImage> unusable() {
    return unusable;
  }

  /** Number of unusable images per reason, sorted by reason. */
  public SortedMap<String, Integer> unusableByReason() {
    SortedMap<String, Integer> counts = new TreeMap<>();
    unusable.forEach(u -> counts.merge(u.reason(), 1, Integer::sum));
    return counts;
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
          md.update(
              (ref.identity()
                      + "/"
                      + ref.path().getFileName()
                      + ":"
                      + Files.size(ref.path())
                      + "\n")
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
