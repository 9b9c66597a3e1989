package io.facegate.trainer.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tarballs are built here, so the pin, extraction, provenance and cache reuse are checked without a
 * network; "npm" is a missing path or a small shell script standing in for it.
 */
class PretrainedFetchTest {

  private static final String MIT = "MIT License\n\nCopyright (c) test\n";

  @TempDir Path tmp;

  private Path cache;
  private Path tarball;
  private PretrainedPackage pkg;

  @BeforeEach
  void buildPackage() throws IOException {
    cache = tmp.resolve("cache");
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("package/LICENSE", MIT.getBytes(StandardCharsets.UTF_8));
    entries.put("package/package.json", "{}".getBytes(StandardCharsets.UTF_8));
    entries.put("package/models/a.json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    entries.put("package/models/a.bin", new byte[] {1, 2, 3, 4});
    entries.put("package/dist/big.js", new byte[1000]);
    tarball = tgz(tmp.resolve("scope-pkg-1.2.3.tgz"), entries);
    pkg =
        new PretrainedPackage(
            "@scope/pkg",
            "1.2.3",
            PretrainedFetch.integrityOf(tarball),
            "MIT",
            "LICENSE",
            List.of("models/a.json", "models/a.bin"));
  }

  private static Path tgz(Path file, Map<String, byte[]> entries) throws IOException {
    try (OutputStream out = Files.newOutputStream(file);
        TarArchiveOutputStream tar =
            new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
        entry.setSize(e.getValue().length);
        tar.putArchiveEntry(entry);
        tar.write(e.getValue());
        tar.closeArchiveEntry();
      }
    }
    return file;
  }

  private PretrainedFetch fetcher(String npm) {
    return new PretrainedFetch(cache, npm, Duration.ofSeconds(20));
  }

  @Test
  void unpacksOnlyTheCataloguedFilesFromAGivenTarballWithProvenance() throws Exception {
    FetchedPackage fetched = fetcher("/nonexistent/npm").fromTarball(pkg, tarball);
    Path dir = cache.resolve("@scope/pkg@1.2.3");
    assertEquals(dir, fetched.directory());
    assertTrue(Files.isRegularFile(dir.resolve("models/a.bin")));
    assertFalse(
        Files.exists(dir.resolve("dist")), "files outside the catalogue stay in the tarball");
    assertFalse(Files.exists(dir.resolve("package.json")));
    JsonNode p = new ObjectMapper().readTree(dir.resolve("provenance.json").toFile());
    assertEquals("@scope/pkg", p.get("package").asText());
    assertEquals("1.2.3", p.get("version").asText());
    assertEquals(pkg.integrity(), p.get("integrity").asText());
    assertEquals("MIT", p.get("licence").asText());
    String expected =
        HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3, 4}));
    JsonNode bin = null;
    for (JsonNode f : p.get("files")) {
      if (f.get("path").asText().equals("models/a.bin")) {
        bin = f;
      }
    }
    assertEquals(expected, bin.get("sha256").asText());
    assertEquals(3, p.get("files").size(), "licence and two weight files");
    assertEquals(fetched.file("models/a.bin"), dir.resolve("models/a.bin"));
  }

  @Test
  void refusesATarballWhoseIntegrityDoesNotMatchThePin() throws IOException {
    PretrainedPackage other =
        new PretrainedPackage(
            "@scope/pkg",
            "1.2.3",
            "sha512-" + "A".repeat(86) + "==",
            "MIT",
            "LICENSE",
            List.of("models/a.bin"));
    PretrainedFetchException e =
        assertThrows(
            PretrainedFetchException.class,
            () -> fetcher("/nonexistent/npm").fromTarball(other, tarball));
    assertTrue(e.getMessage().contains("not the pinned @scope/pkg@1.2.3"), e.getMessage());
    assertFalse(Files.exists(cache.resolve("@scope/pkg@1.2.3")), "nothing cached");
  }

  @Test
  void reusesAVerifiedCacheWithoutNpm() throws IOException {
    fetcher("/nonexistent/npm").fromTarball(pkg, tarball);
    FetchedPackage again = fetcher("/nonexistent/npm").fetch(pkg);
    assertEquals(cache.resolve("@scope/pkg@1.2.3"), again.directory());
  }

  @Test
  void fetchesAgainWhenACachedFileWasAltered() throws IOException {
    fetcher("/nonexistent/npm").fromTarball(pkg, tarball);
    Files.write(cache.resolve("@scope/pkg@1.2.3/models/a.bin"), new byte[] {9, 9, 9, 9});
    assertTrue(fetcher("/nonexistent/npm").cached(pkg).isEmpty());
    assertThrows(PretrainedFetchException.class, () -> fetcher("/nonexistent/npm").fetch(pkg));
    fetcher("/nonexistent/npm").fromTarball(pkg, tarball);
    assertEquals(
        List.of((byte) 1, (byte) 2, (byte) 3, (byte) 4),
        toList(Files.readAllBytes(cache.resolve("@scope/pkg@1.2.3/models/a.bin"))));
  }

  private static List<Byte> toList(byte[] b) {
    List<Byte> out = new java.util.ArrayList<>();
    for (byte x : b) {
      out.add(x);
    }
    return out;
  }

  @Test
  void saysWhatToDoWhenNpmIsMissing() {
    PretrainedFetchException e =
        assertThrows(
            PretrainedFetchException.class,
            () -> fetcher(tmp.resolve("no-such-npm").toString()).fetch(pkg));
    assertTrue(e.getMessage().contains("install Node.js with npm"), e.getMessage());
    assertTrue(e.getMessage().contains("npm pack @scope/pkg@1.2.3"), e.getMessage());
    assertTrue(e.getMessage().contains("--tarball"), e.getMessage());
  }

  @Test
  void refusesATarballWithoutACataloguedFile() throws IOException {
    PretrainedPackage more =
        new PretrainedPackage(
            "@scope/pkg",
            "1.2.3",
            pkg.integrity(),
            "MIT",
            "LICENSE",
            List.of("models/a.bin", "models/missing.bin"));
    PretrainedFetchException e =
        assertThrows(
            PretrainedFetchException.class,
            () -> fetcher("/nonexistent/npm").fromTarball(more, tarball));
    assertTrue(e.getMessage().contains("models/missing.bin"), e.getMessage());
  }

  @Test
  void refusesALicenceTheCatalogueDoesNotName() throws IOException {
    PretrainedPackage apache =
        new PretrainedPackage(
            "@scope/pkg",
            "1.2.3",
            pkg.integrity(),
            "Apache-2.0",
            "LICENSE",
            List.of("models/a.bin"));
    assertThrows(
        PretrainedFetchException.class,
        () -> fetcher("/nonexistent/npm").fromTarball(apache, tarball));
  }

  @Test
  @DisabledOnOs(OS.WINDOWS)
  void checksTheTarballNpmPacksItself() throws IOException {
    // stands in for npm: writes the tarball where --pack-destination says and reports it as npm
    // does
    Path fakeNpm =
        script(
            "fake-npm",
            "#!/bin/sh\ncp '"
                + tarball
                + "' \"$5/scope-pkg-1.2.3.tgz\"\n"
                + "echo '[{\"filename\":\"scope-pkg-1.2.3.tgz\",\"integrity\":\"whatever npm says\"}]'\n");
    FetchedPackage fetched = fetcher(fakeNpm.toString()).fetch(pkg);
    assertTrue(Files.isRegularFile(fetched.file("models/a.json")));

    PretrainedPackage pinnedElsewhere =
        new PretrainedPackage(
            "@scope/pkg",
            "1.2.4",
            "sha512-" + "B".repeat(86) + "==",
            "MIT",
            "LICENSE",
            List.of("models/a.bin"));
    PretrainedFetchException e =
        assertThrows(
            PretrainedFetchException.class,
            () -> fetcher(fakeNpm.toString()).fetch(pinnedElsewhere));
    assertTrue(e.getMessage().contains("is not the pinned"), e.getMessage());
  }

  @Test
  @DisabledOnOs(OS.WINDOWS)
  void reportsAFailingNpmWithItsLastErrorLine() throws IOException {
    Path failing = script("failing-npm", "#!/bin/sh\necho 'npm error code E404' >&2\nexit 1\n");
    PretrainedFetchException e =
        assertThrows(PretrainedFetchException.class, () -> fetcher(failing.toString()).fetch(pkg));
    assertTrue(
        e.getMessage().contains("exit code 1") && e.getMessage().contains("E404"), e.getMessage());
  }

  @Test
  @DisabledOnOs(OS.WINDOWS)
  void stopsAnNpmThatHangs() throws IOException {
    Path hanging = script("hanging-npm", "#!/bin/sh\nexec sleep 30\n");
    long start = System.nanoTime();
    PretrainedFetchException e =
        assertThrows(
            PretrainedFetchException.class,
            () ->
                new PretrainedFetch(cache, hanging.toString(), Duration.ofMillis(500)).fetch(pkg));
    assertTrue(e.getMessage().contains("did not finish"), e.getMessage());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(15).toNanos(), "bounded");
  }

  private Path script(String name, String body) throws IOException {
    Path file = Files.writeString(tmp.resolve(name), body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  @Test
  void catalogueFindsPackagesByNameOrShortName() {
    assertEquals(
        PretrainedCatalogue.HUMAN_MODELS, PretrainedCatalogue.find("human-models").orElseThrow());
    assertEquals(
        PretrainedCatalogue.FACE_API,
        PretrainedCatalogue.find("@vladmandic/face-api").orElseThrow());
    assertTrue(PretrainedCatalogue.find("left-pad").isEmpty());
    assertTrue(PretrainedCatalogue.HUMAN_MODELS.files().contains("models/faceres.bin"));
  }

  @Test
  void packagePinsAreExact() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new PretrainedPackage(
                "@scope/pkg", "^1.2.3", pkg.integrity(), "MIT", "LICENSE", List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new PretrainedPackage("@scope/pkg", "1.2.3", "sha1-abc", "MIT", "LICENSE", List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new PretrainedPackage(
                "@scope/pkg",
                "1.2.3",
                pkg.integrity(),
                "MIT",
                "LICENSE",
                List.of("../etc/passwd")));
  }
}
