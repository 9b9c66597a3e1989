package io.facegate.trainer.finetune;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A pretrained embedding network that meets the model contract ({@code model.onnx} with {@code
 * facegate.*} metadata, companions such as a landmark model beside it), named on the command line
 * by {@code --backbone}.
 *
 * <p>{@code --backbone} takes {@value #SCRATCH} (no backbone: the small CNN trained from scratch),
 * a path (a folder holding {@code model.onnx}, or the {@code .onnx} file itself), or a name looked
 * up in a registry folder: {@code <registry>/<name>/model.onnx}. The alias {@value #PRETRAINED}
 * stands for the recommended backbone, {@value #RECOMMENDED}. The registry is {@code
 * --backbone-registry}, else the environment variable {@value #REGISTRY_ENV}, else {@value
 * #DEFAULT_REGISTRY} under the working directory; the lead points it at the import outputs of
 * {@code facegate pretrained ...} (or links them there).
 *
 * @param name the name given, or the folder's name for a path
 * @param modelFile the backbone's {@code model.onnx}
 */
public record Backbone(String name, Path modelFile) {

  /** {@code --backbone scratch}: no backbone. */
  public static final String SCRATCH = "scratch";

  /** Alias of the recommended backbone. */
  public static final String PRETRAINED = "pretrained";

  /** The recommended backbone's name. */
  public static final String RECOMMENDED = "faceres";

  /** The registry used when neither the option nor the environment names one. */
  public static final String DEFAULT_REGISTRY = ".facegate/models/backbones";

  /** Environment variable naming the registry folder. */
  public static final String REGISTRY_ENV = "FACEGATE_BACKBONES";

  /** The model file inside a backbone folder. */
  public static final String MODEL_FILE = "model.onnx";

  /** Backbones the project imports, by name, with what they are. */
  public static final Map<String, String> KNOWN = knownBackbones();

  private static Map<String, String> knownBackbones() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(
        RECOMMENDED,
        "human-models face descriptor (HSE FaceRes), 1024-d, face aligned by 68 landmarks, "
            + "exposure-normalised and averaged with its mirror image (recommended)");
    m.put(
        "dlib-resnet",
        "face-api's dlib ResNet-34 descriptor, 128-d, whole face crop (weak without dlib's "
            + "alignment, docs/pretrained-face-api.md)");
    return Collections.unmodifiableMap(m);
  }

  /** Checks the fields. */
  public Backbone {
    if (name == null || name.isBlank() || modelFile == null) {
      throw new IllegalArgumentException("a backbone needs a name and a model file");
    }
  }

  /** Whether {@code value} asks for training from scratch (no backbone). */
  public static boolean isScratch(String value) {
    return value == null || SCRATCH.equalsIgnoreCase(value.trim());
  }

  /**
   * The registry folder: the option's value if given, else {@value #REGISTRY_ENV}, else the
   * default.
   */
  public static Path registry(Path option) {
    if (option != null) {
      return option;
    }
    String env = System.getenv(REGISTRY_ENV);
    return env == null || env.isBlank() ? Path.of(DEFAULT_REGISTRY) : Path.of(env);
  }

  /**
   * Resolves a {@code --backbone} value that is not {@value #SCRATCH}.
   *
   * @throws IllegalArgumentException naming the value, where it was looked for and the names known
   */
  public static Backbone resolve(String value, Path registry) {
    if (isScratch(value)) {
      throw new IllegalArgumentException("--backbone scratch has no backbone model");
    }
    String v = value.trim();
    Path asPath = Path.of(v);
    if (Files.isRegularFile(asPath)) {
      Path parent = asPath.toAbsolutePath().getParent();
      return new Backbone(
          parent.getFileName() == null ? v : parent.getFileName().toString(), asPath);
    }
    if (Files.isDirectory(asPath)) {
      Path file = asPath.resolve(MODEL_FILE);
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("--backbone " + v + ": folder has no " + MODEL_FILE);
      }
      return new Backbone(asPath.toAbsolutePath().normalize().getFileName().toString(), file);
    }
    if (v.contains("/") || v.contains("\\") || v.endsWith(".onnx")) {
      throw new IllegalArgumentException("--backbone " + v + ": no such file or folder");
    }
    String name = PRETRAINED.equals(v) ? RECOMMENDED : v;
    Path file = registry.resolve(name).resolve(MODEL_FILE);
    if (Files.isRegularFile(file)) {
      return new Backbone(name, file);
    }
    throw new IllegalArgumentException(
        "--backbone "
            + v
            + ": no "
            + file
            + " (registry "
            + registry
            + " holds "
            + available(registry)
            + "; known names: scratch, pretrained = "
            + RECOMMENDED
            + ", "
            + String.join(", ", KNOWN.keySet())
            + "; import one with 'facegate pretrained ...' or give a path)");
  }

  /** Names in the registry that hold a model, sorted; {@code none} when empty or missing. */
  static String available(Path registry) {
    List<String> names = new ArrayList<>();
    if (Files.isDirectory(registry)) {
      try (Stream<Path> dirs = Files.list(registry)) {
        dirs.filter(d -> Files.isRegularFile(d.resolve(MODEL_FILE)))
            .map(d -> d.getFileName().toString())
            .sorted()
            .forEach(names::add);
      } catch (IOException e) {
        return "nothing readable";
      }
    }
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
