package io.facegate.trainer.data;

import java.nio.file.Path;

/**
 * An image file that was found but cannot be used: counted and reported, not fatal (unless the run
 * asks for strict images).
 *
 * @param path the file
 * @param identity its {@code <dataset>/<folder>} label
 * @param reason the decoder's {@code ImageRejectedException.Kind} name, or {@code UNREADABLE} when
 *     the file could not be read, or {@code NO_FACE} when no face could be aligned in it
 * @param detail the rejection message
 */
public record UnusableImage(Path path, String identity, String reason, String detail) {

  /** Reason of a file that could not be read at all. */
  public static final String UNREADABLE = "UNREADABLE";

  /** Reason of an image in which the model's face stage found no face to align. */
  public static final String NO_FACE = "NO_FACE";
}
