package io.facegate.schemas.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoding of one in-memory payload that distrusts every length it reads. Avro's own
 * decoder allocates whatever a length or item count claims (up to ~2 GiB) before noticing the
 * payload is shorter; a few garbage bytes on a topic would then take the consumer down with an
 * {@link OutOfMemoryError}. Here a length or item count larger than the bytes left is a truncated
 * payload ({@link EOFException}), and malformed values (over-long varints, booleans other than 0/1,
 * invalid UTF-8) are {@link MalformedPayloadException}s.
 *
 * <p>Limitation, by design: a block may not claim more items than there are bytes left, so an array
 * or map of zero-byte items (nulls, empty records) longer than its payload is refused. No facegate
 * schema has one.
 */
final class StrictBinaryDecoder extends Decoder {
  private final byte[] buf;
  private final int limit;
  private int pos;

  StrictBinaryDecoder(byte[] buf, int offset, int length) {
    this.buf = buf;
    this.pos = offset;
    this.limit = offset + length;
  }

  /** Bytes not yet read. */
  int remaining() {
    return limit - pos;
  }

  /** Where the next read starts, relative to the start of the array. */
  int position() {
    return pos;
  }

  private void require(long n, String what) throws EOFException {
    if (n > remaining()) {
      throw new EOFException(
          what
              + " needs "
              + n
              + " bytes at offset "
              + pos
              + " but only "
              + remaining()
              + " remain");
    }
  }

  @Override
  public int remainingBytes() {
    return remaining();
  }

  @Override
  public void readNull() {
    // null is encoded as zero bytes
  }

  @Override
  public boolean readBoolean() throws IOException {
    require(1, "boolean");
    byte b = buf[pos++];
    if (b != 0 && b != 1) {
      throw new MalformedPayloadException(
          "boolean byte " + b + " at offset " + (pos - 1) + " is neither 0 nor 1");
    }
    return b == 1;
  }

  @Override
  public int readInt() throws IOException {
    long n = readVarLong(5, "int");
    if (n > 0xFFFFFFFFL) {
      throw new MalformedPayloadException("int varint overflows 32 bits at offset " + pos);
    }
    int raw = (int) n;
    return (raw >>> 1) ^ -(raw & 1);
  }

  @Override
  public long readLong() throws IOException {
    long raw = readVarLong(10, "long");
    return (raw >>> 1) ^ -(raw & 1);
  }

  private long readVarLong(int maxBytes, String what) throws IOException {
    long value = 0;
    for (int i = 0; i < maxBytes; i++) {
      require(1, what);
      int b = buf[pos++] & 0xFF;
      value |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new MalformedPayloadException(
        what + " varint longer than " + maxBytes + " bytes at offset " + pos);
  }

  @Override
  public float readFloat() throws IOException {
    require(4, "float");
    int bits =
        (buf[pos] & 0xFF)
            | (buf[pos + 1] & 0xFF) << 8
            | (buf[pos + 2] & 0xFF) << 16
            | (buf[pos + 3] & 0xFF) << 24;
    pos += 4;
    return Float.intBitsToFloat(bits);
  }

  @Override
  public double readDouble() throws IOException {
    require(8, "double");
    long bits = 0;
    for (int i = 7; i >= 0; i--) {
      bits = bits << 8 | (buf[pos + i] & 0xFF);
    }
    pos += 8;
    return Double.longBitsToDouble(bits);
  }

  private int readLength(String what) throws IOException {
    long length = readLong();
    if (length < 0) {
      throw new MalformedPayloadException(
          what + " has negative length " + length + " at offset " + pos);
    }
    require(length, what);
    return (int) length;
  }

  private byte[] readUtf8Bytes() throws IOException {
    int length = readLength("string");
    byte[] bytes = new byte[length];
    System.arraycopy(buf, pos, bytes, 0, length);
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
    } catch (CharacterCodingException e) {
      throw new MalformedPayloadException("string at offset " + pos + " is not valid UTF-8");
    }
    pos += length;
    return bytes;
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    return new Utf8(readUtf8Bytes());
  }

  @Override
  public String readString() throws IOException {
    return new String(readUtf8Bytes(), StandardCharsets.UTF_8);
  }

  @Override
  public void skipString() throws IOException {
    int length =
        readLength(
            "string"); // not "pos += readLength(..)": Java reads pos before the call moves it
    pos += length;
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    int length = readLength("bytes");
    ByteBuffer result = ByteBuffer.allocate(length);
    result.put(buf, pos, length).flip();
    pos += length;
    return result;
  }

  @Override
  public void skipBytes() throws IOException {
    int length = readLength("bytes");
    pos += length;
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    require(length, "fixed");
    System.arraycopy(buf, pos, bytes, start, length);
    pos += length;
  }

  @Override
  public void skipFixed(int length) throws IOException {
    require(length, "fixed");
    pos += length;
  }

  @Override
  public int readEnum() throws IOException {
    return readInt();
  }

  @Override
  public int readIndex() throws IOException {
    return readInt();
  }

  /** Reads a block header: its item count, checked against the bytes left. */
  private long readBlockCount(String what) throws IOException {
    long count = readLong();
    if (count < 0) {
      if (count == Long.MIN_VALUE) {
        throw new MalformedPayloadException(what + " block count out of range at offset " + pos);
      }
      count = -count;
      long size = readLong();
      if (size < 0) {
        throw new MalformedPayloadException(
            what + " block has negative byte size at offset " + pos);
      }
      require(size, what + " block");
    }
    require(count, what + " block of " + count + " items");
    return count;
  }

  @Override
  public long readArrayStart() throws IOException {
    return readBlockCount("array");
  }

  @Override
  public long arrayNext() throws IOException {
    return readBlockCount("array");
  }

  @Override
  public long skipArray() throws IOException {
    return skipBlocks("array");
  }

  @Override
  public long readMapStart() throws IOException {
    return readBlockCount("map");
  }

  @Override
  public long mapNext() throws IOException {
    return readBlockCount("map");
  }

  @Override
  public long skipMap() throws IOException {
    return skipBlocks("map");
  }

  /**
   * Skips blocks that carry their byte size; returns the item count of the first block that does
   * not.
   */
  private long skipBlocks(String what) throws IOException {
    while (true) {
      long count = readLong();
      if (count >= 0) {
        require(count, what + " block of " + count + " items");
        return count;
      }
      long size = readLong();
      if (size < 0) {
        throw new MalformedPayloadException(
            what + " block has negative byte size at offset " + pos);
      }
      require(size, what + " block");
      pos += (int) size;
    }
  }

  /** A value that no Avro writer produces: the payload is not what its schema id says. */
  static final class MalformedPayloadException extends IOException {
    MalformedPayloadException(String message) {
      super(message);
    }
  }
}
