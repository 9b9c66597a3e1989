package io.facegate.trainer.data;

import io.facegate.model.preprocess.ImageFormat;
import java.nio.file.Path;

/**
 * One image file of one person.
 *
 * @param path the file
 * @param dataset name of the dataset root folder (e.g. {@code orl-faces})
 * @param identity globally unique label {@code <dataset>/<folder>}
 * @param format encoding, sniffed from the file's first bytes (never from its name)
 */
public record FaceImageRef(Path path, String dataset, String identity, ImageFormat format) {}
