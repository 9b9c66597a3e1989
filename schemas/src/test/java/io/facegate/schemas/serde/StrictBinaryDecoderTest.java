package io.facegate.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** The decoder must read exactly what Avro writes, and refuse what it cannot have written. */
class StrictBinaryDecoderTest {

  private interface Writes {
    void to(Encoder e) throws IOException;
  }

  private static StrictBinaryDecoder decoderFor(Writes writes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
    writes.to(e);
    e.flush();
    byte[] bytes = out.toByteArray();
    return new StrictBinaryDecoder(bytes, 0, bytes.length);
  }

  @Test
  void readsPrimitivesAsAvroWritesThem() throws IOException {
    int[] ints = {0, 1, -1, 63, -64, 64, Integer.MAX_VALUE, Integer.MIN_VALUE};
    long[] longs = {0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40};
    StrictBinaryDecoder d =
        decoderFor(
            e -> {
              for (int i : ints) {
                e.writeInt(i);
              }
              for (long l : longs) {
                e.writeLong(l);
              }
              e.writeFloat(-1.5f);
              e.writeDouble(Math.PI);
              e.writeBoolean(true);
              e.writeBoolean(false);
              e.writeString("grüße ✓");
              e.writeBytes(new byte[] {9, 8, 7});
              e.writeFixed(new byte[] {1, 2});
              e.writeEnum(3);
              e.writeIndex(1);
            });
    for (int i : ints) {
      assertEquals(i, d.readInt());
    }
    for (long l : longs) {
      assertEquals(l, d.readLong());
    }
    assertEquals(-1.5f, d.readFloat());
    assertEquals(Math.PI, d.readDouble());
    assertTrue(d.readBoolean());
    assertFalse(d.readBoolean());
    assertEquals("grüße ✓", d.readString());
    assertEquals(ByteBuffer.wrap(new byte[] {9, 8, 7}), d.readBytes(null));
    byte[] fixed = new byte[2];
    d.readFixed(fixed, 0, 2);
    assertArrayEquals(new byte[] {1, 2}, fixed);
    assertEquals(3, d.readEnum());
    assertEquals(1, d.readIndex());
    assertEquals(0, d.remaining());
  }

  /** A writer record with a field of every kind before and after the one the reader wants. */
  private static final Schema WRITER =
      SchemaBuilder.record("R")
          .fields()
          .name("s")
          .type()
          .stringType()
          .noDefault()
          .name("b")
          .type()
          .bytesType()
          .noDefault()
          .name("arr")
          .type()
          .array()
          .items()
          .longType()
          .noDefault()
          .name("m")
          .type()
          .map()
          .values()
          .stringType()
          .noDefault()
          .name("f")
          .type()
          .fixed("F")
          .size(3)
          .noDefault()
          .name("u")
          .type()
          .unionOf()
          .nullType()
          .and()
          .doubleType()
          .endUnion()
          .noDefault()
          .name("nested")
          .type()
          .record("N")
          .fields()
          .name("x")
          .type()
          .booleanType()
          .noDefault()
          .name("recs")
          .type()
          .array()
          .items()
          .record("Q")
          .fields()
          .name("q")
          .type()
          .stringType()
          .noDefault()
          .endRecord()
          .noDefault()
          .endRecord()
          .noDefault()
          .name("e")
          .type()
          .enumeration("E")
          .symbols("A", "B")
          .noDefault()
          .name("keep")
          .type()
          .intType()
          .noDefault()
          .name("tail")
          .type()
          .array()
          .items()
          .stringType()
          .noDefault()
          .endRecord();

  private static final Schema READER =
      SchemaBuilder.record("R").fields().name("keep").type().intType().noDefault().endRecord();

  private static GenericRecord sample() {
    GenericRecord nested = new GenericData.Record(WRITER.getField("nested").schema());
    nested.put("x", true);
    Schema q = WRITER.getField("nested").schema().getField("recs").schema().getElementType();
    GenericRecord q1 = new GenericData.Record(q);
    q1.put("q", "one");
    nested.put("recs", List.of(q1, q1));
    GenericRecord r = new GenericData.Record(WRITER);
    r.put("s", "skip me");
    r.put("b", ByteBuffer.wrap(new byte[300]));
    r.put("arr", List.of(1L, 2L, 3L));
    r.put("m", Map.of("k", "v", "k2", "v2"));
    r.put("f", new GenericData.Fixed(WRITER.getField("f").schema(), new byte[] {1, 2, 3}));
    r.put("u", 2.5);
    r.put("nested", nested);
    r.put("e", new GenericData.EnumSymbol(WRITER.getField("e").schema(), "B"));
    r.put("keep", -42);
    r.put("tail", List.of("a", "b"));
    return r;
  }

  private static int readKeep(BinaryEncoder encoder, ByteArrayOutputStream out) throws IOException {
    new GenericDatumWriter<GenericRecord>(WRITER).write(sample(), encoder);
    encoder.flush();
    byte[] bytes = out.toByteArray();
    StrictBinaryDecoder d = new StrictBinaryDecoder(bytes, 0, bytes.length);
    GenericRecord read = new GenericDatumReader<GenericRecord>(WRITER, READER).read(null, d);
    assertEquals(0, d.remaining(), "every skipped field consumed exactly");
    return (Integer) read.get("keep");
  }

  @Test
  void skipsEveryKindOfWriterOnlyField() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(-42, readKeep(EncoderFactory.get().directBinaryEncoder(out, null), out));
  }

  @Test
  void skipsBlocksThatCarryTheirByteSize() throws IOException {
    // the blocking encoder writes negative block counts followed by the block's byte size
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(
        -42,
        readKeep(
            new EncoderFactory().configureBlockSize(64).blockingBinaryEncoder(out, null), out));
  }

  @Test
  void refusesBooleanOtherThanZeroOrOne() {
    StrictBinaryDecoder d = new StrictBinaryDecoder(new byte[] {2}, 0, 1);
    assertThrows(StrictBinaryDecoder.MalformedPayloadException.class, d::readBoolean);
  }

  @Test
  void refusesOverlongVarint() {
    byte[] sixBytes = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0};
    assertThrows(
        StrictBinaryDecoder.MalformedPayloadException.class,
        () -> new StrictBinaryDecoder(sixBytes, 0, 6).readInt());
  }

  @Test
  void refusesNegativeLength() {
    assertThrows(
        StrictBinaryDecoder.MalformedPayloadException.class,
        () -> new StrictBinaryDecoder(new byte[] {1}, 0, 1).readString());
  }

  @Test
  void lengthBeyondThePayloadIsEndOfFile() {
    byte[] bytes = {(byte) 200, 1, 'a'}; // claims 100 bytes
    assertThrows(EOFException.class, () -> new StrictBinaryDecoder(bytes, 0, 3).readBytes(null));
  }

  @Test
  void itemCountBeyondThePayloadIsEndOfFile() throws IOException {
    StrictBinaryDecoder d = decoderFor(e -> e.writeLong(1000));
    assertThrows(EOFException.class, d::readArrayStart);
  }

  @Test
  void respectsOffsetAndLength() throws IOException {
    byte[] bytes = {99, 4, 'o', 'k', 99}; // zig-zag 4 = length 2
    StrictBinaryDecoder d = new StrictBinaryDecoder(bytes, 1, 3);
    assertEquals("ok", d.readString());
    assertEquals(0, d.remaining());
    assertThrows(EOFException.class, d::readInt);
  }
}
