package io.facegate.cli.publish;

import io.facegate.model.preprocess.ImageFormat;
import io.facegate.model.preprocess.RawImage;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.ImageEncoding;
import io.facegate.schemas.ImageKind;
import io.facegate.trainer.data.FaceDataset;
import io.facegate.trainer.data.FaceImageRef;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Face image files as they travel: the encoded bytes, unchanged, with their encoding. */
public final class FaceImages {

  private FaceImages() {}

  /**
   * @return the file's bytes as a {@link FaceImage} crop (PGM, PNG or JPEG; the processor decodes
   *     it)
   */
  public static FaceImage read(Path file, ImageFormat format) throws IOException {
    return read(file, format, ImageKind.CROP);
  }

  /**
   * @return the file's bytes as a {@link FaceImage} of {@code kind}: a crop, or a whole frame the
   *     processor searches
   */
  public static FaceImage read(Path file, ImageFormat format, ImageKind kind) throws IOException {
    return FaceImage.newBuilder()
        .setData(ByteBuffer.wrap(Files.readAllBytes(file)))
        .setEncoding(encoding(format))
        .setKind(kind)
        .build();
  }

  static ImageEncoding encoding(ImageFormat format) {
    return switch (format) {
      case PGM -> ImageEncoding.PGM;
      case PNG -> ImageEncoding.PNG;
      case JPEG -> ImageEncoding.JPEG;
      case RAW_GRAY8 -> ImageEncoding.RAW_GRAY8;
      case RAW_RGB8 -> ImageEncoding.RAW_RGB8;
    };
  }

  /**
   * The images of a folder that is either folder-per-identity (identity = folder name, prefixed
   * with the dataset name as the trainer does) or flat (identity unknown: null).
   *
   * @throws IOException when the folder cannot be read
   * @throws IllegalArgumentException when it holds no face image at all
   */
  public static List<FaceImageRef> scan(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("data folder does not exist or is not a folder: " + dir);
    }
    boolean hasSubfolders;
    try (Stream<Path> entries = Files.list(dir)) {
      hasSubfolders = entries.anyMatch(Files::isDirectory);
    }
    if (hasSubfolders) {
      FaceDataset dataset = FaceDataset.scan(List.of(dir));
      return dataset.images(dataset.identities());
    }
    List<FaceImageRef> flat = new ArrayList<>();
    String name = dir.toAbsolutePath().normalize().getFileName().toString();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        FaceDataset.formatOf(f).ifPresent(fmt -> flat.add(new FaceImageRef(f, name, null, fmt)));
      }
    }
    if (flat.isEmpty()) {
      throw new IllegalArgumentException("data folder holds no PGM/PNG/JPEG image: " + dir);
    }
    return flat;
  }

  /** A decoded image as an RGB {@link BufferedImage} (grey copied into the three channels). */
  public static BufferedImage toBufferedImage(RawImage raw) {
    BufferedImage img = new BufferedImage(raw.width(), raw.height(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < raw.height(); y++) {
      for (int x = 0; x < raw.width(); x++) {
        int r = raw.sample(x, y, 0);
        int g = raw.channels() == 3 ? raw.sample(x, y, 1) : r;
        int b = raw.channels() == 3 ? raw.sample(x, y, 2) : r;
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return img;
  }
}
