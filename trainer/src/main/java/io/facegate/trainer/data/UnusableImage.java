package io.facegate.trainer.data;

import java.nio.file.Path;

/**
 * An image file that was found but cannot be used: counted and reported, not fatal (unless the
 * run asks for strict images).
 *
 * @param path the file
 * @param identity its {@code <dataset>/<folder>} label
 * @param reason the decoder's {@code ImageRejectedException.Kind} name, or {@code UNREADABLE} when
 *     the file could not be read
 * @param detail the rejection message
 */
public record UnusableImage(Path path, String identity, String reason, String detail) {

  /** Reason of a file that could not be read at all. */
  public static final String UNREADABLE = "UNREADABLE";
}
