package io.facegate.processor.topology;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One camera-frames record waiting in a task's batch buffer, with everything needed to decide for
 * it later (from a punctuator, or after a crash from the restored changelog): the raw value, where
 * it was read, and when. Values over the byte limit are not kept, only their hash and size: they
 * will be denied without being parsed.
 */
record BufferedInput(
    String key,
    byte[] value,
    boolean oversized,
    String sha256,
    int size,
    String topic,
    int partition,
    long offset,
    long timestamp,
    long receivedAtMs) {
  private static final int FORMAT = 1;

  /** The event id of a record that has none of its own: its source coordinates. */
  String coordinatesId() {
    return "dlq:" + topic + "-" + partition + "-" + offset;
  }

  /**
   * Stands in for a batch-buffer entry that cannot be decoded: it is traced by its place in the
   * buffer (topic {@value FacegateTopology#BUFFER_STORE}, partition -1, offset = its sequence
   * number) and the hash of the entry itself.
   */
  static BufferedInput unreadable(long seq, byte[] entry, long nowMs) {
    return new BufferedInput(
        null,
        null,
        false,
        PayloadHash.sha256Hex(entry),
        entry == null ? 0 : entry.length,
        FacegateTopology.BUFFER_STORE,
        -1,
        seq,
        nowMs,
        nowMs);
  }

  byte[] encode() {
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream(64 + (value == null ? 0 : value.length));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      writeBytes(out, key == null ? null : key.getBytes(StandardCharsets.UTF_8));
      writeBytes(out, value);
      out.writeBoolean(oversized);
      out.writeUTF(sha256);
      out.writeInt(size);
      out.writeUTF(topic);
      out.writeInt(partition);
      out.writeLong(offset);
      out.writeLong(timestamp);
      out.writeLong(receivedAtMs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads an entry written by {@link #encode()}.
   *
   * @throws UncheckedIOException if it is truncated
   * @throws IllegalStateException if it is of an unknown format or has bytes left over
   */
  static BufferedInput decode(byte[] encoded) {
    if (encoded == null) {
      throw new IllegalStateException("batch-buffer entry has no value");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      int format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalStateException("unknown batch-buffer entry format " + format);
      }
      byte[] k = readBytes(in);
      byte[] v = readBytes(in);
      BufferedInput decoded =
          new BufferedInput(
              k == null ? null : new String(k, StandardCharsets.UTF_8),
              v,
              in.readBoolean(),
              in.readUTF(),
              in.readInt(),
              in.readUTF(),
              in.readInt(),
              in.readLong(),
              in.readLong(),
              in.readLong());
      if (in.available() > 0) {
        throw new IllegalStateException(in.available() + " bytes left over after the entry");
      }
      return decoded;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b == null ? -1 : b.length);
    if (b != null) {
      out.write(b);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    if (n > in.available()) {
      // a corrupt length must not allocate up to 2 GiB before the read fails
      throw new EOFException("entry claims " + n + " bytes, " + in.available() + " are left");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }
}
