package io.facegate.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.EnrolledTemplate;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.ImageEncoding;
import io.facegate.schemas.registry.RegistryConfig;
import io.facegate.schemas.registry.SchemaRegistryClient;
import io.facegate.schemas.registry.SchemaRegistryClients;
import io.facegate.schemas.registry.SchemaRegistryException;
import io.facegate.schemas.testing.SampleRecords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
  private static final String TOPIC = "camera-frames";
  private String scope;
  private SchemaRegistryClient registry;

  @BeforeEach
  void freshScope(org.junit.jupiter.api.TestInfo info) {
    scope = "serde-" + info.getDisplayName().replaceAll("\\W", "");
    registry = SchemaRegistryClients.create(RegistryConfig.mock(scope));
  }

  @AfterEach
  void dropScope() {
    registry.close();
    SchemaRegistryClients.dropMockScope(scope);
  }

  @SuppressWarnings("unchecked")
  private <T extends SpecificRecord> T roundTrip(T record) {
    Class<T> type = (Class<T>) record.getClass();
    try (Serde<T> serde = AvroSerde.of(type, registry, false)) {
      byte[] bytes = serde.serializer().serialize("topic-" + type.getSimpleName(), record);
      return serde.deserializer().deserialize("topic-" + type.getSimpleName(), bytes);
    }
  }

  @Test
  void roundTripsEveryRecordType() {
    for (SpecificRecord record : SampleRecords.all()) {
      assertEquals(record, roundTrip(record), record.getSchema().getName());
    }
  }

  @Test
  void writesConfluentWireFormatWithTheRegisteredId() throws IOException {
    FaceEvent event = SampleRecords.faceEvent();
    byte[] bytes =
        AvroSerde.of(FaceEvent.class, registry, false).serializer().serialize(TOPIC, event);
    int id = registry.register(TOPIC + "-value", FaceEvent.getClassSchema());
    assertEquals(0, bytes[0]);
    assertEquals(id, ByteBuffer.wrap(bytes, 1, 4).getInt());
    assertArrayEquals(
        avro(FaceEvent.getClassSchema(), event),
        java.util.Arrays.copyOfRange(bytes, 5, bytes.length));
  }

  @Test
  void keySerdeRegistersUnderTheKeySubject() {
    AvroSerde.of(EnrolledTemplate.class, registry, true)
        .serializer()
        .serialize("embedding-store", SampleRecords.template());
    // The key subject now holds the schema: registering it again returns the same id and
    // registering an unrelated schema there is refused as incompatible.
    assertThrows(
        SchemaRegistryException.class,
        () -> registry.register("embedding-store-key", FaceEvent.getClassSchema()));
  }

  @Test
  void nullIsATombstoneBothWays() {
    AvroSerde<FaceEvent> serde = AvroSerde.of(FaceEvent.class, registry, false);
    assertNull(serde.serializer().serialize(TOPIC, null));
    assertNull(serde.deserializer().deserialize(TOPIC, null));
  }

  @Test
  void readsDataWrittenWithAnOlderSchema() throws IOException {
    // An older FaceEvent without traceId and attributes, as an old camera would still send it.
    Schema old =
        new Schema.Parser()
            .parse(
                """
        {"type":"record","name":"FaceEvent","namespace":"io.facegate.schemas","fields":[
          {"name":"eventId","type":"string"},{"name":"cameraId","type":"string"},{"name":"doorId","type":"string"},
          {"name":"captureTime","type":{"type":"long","logicalType":"timestamp-millis"}},
          {"name":"image","type":{"type":"record","name":"FaceImage","fields":[
            {"name":"data","type":"bytes"},
            {"name":"encoding","type":{"type":"enum","name":"ImageEncoding","symbols":["PGM","PNG","JPEG"]}},
            {"name":"width","type":["null","int"],"default":null},{"name":"height","type":["null","int"],"default":null}]}},
          {"name":"claimedIdentity","type":["null","string"],"default":null}]}""");
    int id = registry.register(TOPIC + "-value", old);
    GenericRecord image = new GenericData.Record(old.getField("image").schema());
    image.put("data", ByteBuffer.wrap(new byte[] {1, 2, 3}));
    image.put(
        "encoding",
        new GenericData.EnumSymbol(image.getSchema().getField("encoding").schema(), "PNG"));
    GenericRecord oldEvent = new GenericData.Record(old);
    oldEvent.put("eventId", "e-old");
    oldEvent.put("cameraId", "c");
    oldEvent.put("doorId", "d");
    oldEvent.put("captureTime", 1_700_000_000_000L);
    oldEvent.put("image", image);
    oldEvent.put("claimedIdentity", "bob");

    FaceEvent read =
        AvroSerde.of(FaceEvent.class, registry, false)
            .deserializer()
            .deserialize(TOPIC, wire(id, avro(old, oldEvent)));

    assertEquals("e-old", read.getEventId());
    assertEquals(Instant.ofEpochMilli(1_700_000_000_000L), read.getCaptureTime());
    assertEquals(ImageEncoding.PNG, read.getImage().getEncoding());
    assertEquals("bob", read.getClaimedIdentity());
    assertNull(read.getTraceId(), "default of the field the old writer did not have");
    assertEquals(Map.of(), read.getAttributes());
  }

  @Test
  void readsDataWrittenWithANewerSchemaThatAddedAField() throws IOException {
    Schema newer =
        withExtraField(FaceEvent.getClassSchema(), "{\"name\":\"site\",\"type\":\"string\"}");
    int id = registry.register(TOPIC + "-value", newer);
    FaceEvent event = SampleRecords.faceEvent();
    GenericRecord asNewer = new GenericData.Record(newer);
    for (Schema.Field f : FaceEvent.getClassSchema().getFields()) {
      asNewer.put(f.name(), event.get(f.pos()));
    }
    asNewer.put("site", "HQ");
    byte[] payload = avro(newer, asNewer, new org.apache.avro.specific.SpecificData());
    FaceEvent read =
        AvroSerde.of(FaceEvent.class, registry, false)
            .deserializer()
            .deserialize(TOPIC, wire(id, payload));
    assertEquals(event, read);
  }

  @Test
  void serdeDoesNotDependOnAvrosGlobalClassTrust() throws IOException {
    assertNull(
        System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES"),
        "the test must run without it");
    var global = ClassSecurityValidator.getGlobal();
    try {
      // Back to Avro's stock allow-list: plain Avro then refuses our generated classes (the known
      // pitfall)...
      ClassSecurityValidator.setGlobal(ClassSecurityValidator.DEFAULT);
      byte[] payload = avro(FaceEvent.getClassSchema(), SampleRecords.faceEvent());
      assertThrows(
          SecurityException.class,
          () ->
              new SpecificDatumReader<>(FaceEvent.class)
                  .read(
                      null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(payload, null)));
      // ...while the serde still writes and reads every type.
      for (SpecificRecord record :
          List.of(
              SampleRecords.faceEvent(), SampleRecords.enrollment(), SampleRecords.decision())) {
        assertEquals(record, roundTrip(record));
      }
    } finally {
      ClassSecurityValidator.setGlobal(global);
    }
  }

  // --- bad input: each kind, never a silent null ---

  private WireFormatException badInput(byte[] bytes) {
    Deserializer<FaceEvent> deserializer =
        AvroSerde.of(FaceEvent.class, registry, false).deserializer();
    return assertThrows(WireFormatException.class, () -> deserializer.deserialize(TOPIC, bytes));
  }

  private byte[] validBytes() {
    return AvroSerde.of(FaceEvent.class, registry, false)
        .serializer()
        .serialize(TOPIC, SampleRecords.faceEvent());
  }

  @Test
  void emptyValueIsEmpty() {
    WireFormatException e = badInput(new byte[0]);
    assertEquals(WireFormatException.Kind.EMPTY, e.kind());
    assertTrue(e.getMessage().contains(TOPIC), e.getMessage());
    assertInstanceOf(SerializationException.class, e);
  }

  @Test
  void unknownMagicByteIsBadMagicByte() {
    byte[] bytes = validBytes();
    bytes[0] = 1;
    WireFormatException e = badInput(bytes);
    assertEquals(WireFormatException.Kind.BAD_MAGIC_BYTE, e.kind());
    assertTrue(e.getMessage().contains("0x01"), e.getMessage());
    assertTrue(e.getMessage().contains(TOPIC), e.getMessage());
  }

  @Test
  void plainJsonIsBadMagicByte() {
    assertEquals(
        WireFormatException.Kind.BAD_MAGIC_BYTE, badInput("{\"eventId\":\"x\"}".getBytes()).kind());
  }

  @Test
  void shortHeaderIsTruncated() {
    assertEquals(WireFormatException.Kind.TRUNCATED, badInput(new byte[] {0, 0, 0}).kind());
  }

  @Test
  void cutPayloadIsTruncatedAndNamesTheSchemaId() {
    byte[] bytes = validBytes();
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    for (int cut : new int[] {5, 6, 40, bytes.length - 1}) {
      WireFormatException e = badInput(java.util.Arrays.copyOf(bytes, cut));
      assertEquals(
          WireFormatException.Kind.TRUNCATED, e.kind(), "cut at " + cut + ": " + e.getMessage());
      assertEquals(id, e.schemaId().orElseThrow());
      assertTrue(e.getMessage().contains("schema id " + id), e.getMessage());
    }
  }

  @Test
  void unknownSchemaIdIsUnknownSchemaId() {
    WireFormatException e = badInput(wire(9999, new byte[] {2, 'x'}));
    assertEquals(WireFormatException.Kind.UNKNOWN_SCHEMA_ID, e.kind());
    assertTrue(e.getMessage().contains("schema id 9999"), e.getMessage());
    assertTrue(e.getMessage().contains(TOPIC), e.getMessage());
  }

  @Test
  void recordOfAnotherTypeIsIncompatibleSchema() {
    byte[] decision =
        AvroSerde.of(AccessDecision.class, registry, false)
            .serializer()
            .serialize("access-decisions", SampleRecords.decision());
    WireFormatException e = badInput(decision);
    assertEquals(WireFormatException.Kind.INCOMPATIBLE_SCHEMA, e.kind());
    assertTrue(e.getMessage().contains("AccessDecision"), e.getMessage());
  }

  @Test
  void writerWithChangedFieldTypeIsIncompatibleSchema() throws IOException {
    Schema changed =
        new Schema.Parser()
            .parse(
                FaceEvent.getClassSchema()
                    .toString()
                    .replace(
                        "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}", "\"string\""));
    int id = registry.register("elsewhere-value", changed);
    assertEquals(
        WireFormatException.Kind.INCOMPATIBLE_SCHEMA, badInput(wire(id, new byte[] {0})).kind());
  }

  @Test
  void trailingBytesAreCorruptPayload() {
    byte[] bytes = validBytes();
    byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
    WireFormatException e = badInput(longer);
    assertEquals(WireFormatException.Kind.CORRUPT_PAYLOAD, e.kind());
    assertTrue(e.getMessage().contains("1 unread bytes"), e.getMessage());
  }

  /** A FaceEvent written field by field, so single values can be made invalid. */
  private byte[] handWritten(int encodingIndex, int unionIndex, byte[] eventIdUtf8)
      throws IOException {
    int id = registry.register(TOPIC + "-value", FaceEvent.getClassSchema());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
    enc.writeBytes(eventIdUtf8);
    enc.writeString("cam");
    enc.writeString("door");
    enc.writeLong(0L);
    enc.writeBytes(new byte[] {1, 2});
    enc.writeEnum(encodingIndex);
    enc.writeIndex(0);
    enc.writeIndex(0);
    enc.writeEnum(0);
    enc.writeIndex(unionIndex);
    enc.writeIndex(0);
    enc.writeMapStart();
    enc.setItemCount(0);
    enc.writeMapEnd();
    enc.flush();
    return wire(id, out.toByteArray());
  }

  @Test
  void handWrittenRecordIsValid() throws IOException {
    // guards the three tests below: only the one value they change is wrong
    FaceEvent event =
        AvroSerde.of(FaceEvent.class, registry, false)
            .deserializer()
            .deserialize(TOPIC, handWritten(1, 0, "e".getBytes()));
    assertEquals("e", event.getEventId());
  }

  @Test
  void enumIndexOutOfRangeIsCorruptPayload() throws IOException {
    assertEquals(
        WireFormatException.Kind.CORRUPT_PAYLOAD,
        badInput(handWritten(42, 0, "e".getBytes())).kind());
  }

  @Test
  void unionIndexOutOfRangeIsCorruptPayload() throws IOException {
    assertEquals(
        WireFormatException.Kind.CORRUPT_PAYLOAD,
        badInput(handWritten(1, 7, "e".getBytes())).kind());
  }

  @Test
  void invalidUtf8IsCorruptPayload() throws IOException {
    byte[] bad = {'e', (byte) 0xC3, (byte) 0x28};
    assertEquals(WireFormatException.Kind.CORRUPT_PAYLOAD, badInput(handWritten(1, 0, bad)).kind());
  }

  @Test
  void hugeLengthClaimIsTruncatedWithoutAllocatingIt() {
    int id = registry.register(TOPIC + "-value", FaceEvent.getClassSchema());
    // eventId claims Integer.MAX_VALUE bytes (zig-zag varint) in a 10-byte payload
    byte[] bytes = wire(id, new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F});
    WireFormatException e = badInput(bytes);
    assertEquals(WireFormatException.Kind.TRUNCATED, e.kind());
  }

  @Test
  void hugeArrayCountIsTruncatedWithoutAllocatingIt() throws IOException {
    int id = registry.register("embedding-store-value", EnrolledTemplate.getClassSchema());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
    enc.writeString("alice");
    enc.writeIndex(0);
    enc.writeLong(Integer.MAX_VALUE - 8); // embedding: array block count
    enc.writeFloat(1f);
    enc.flush();
    Deserializer<EnrolledTemplate> d =
        AvroSerde.of(EnrolledTemplate.class, registry, false).deserializer();
    WireFormatException e =
        assertThrows(
            WireFormatException.class,
            () -> d.deserialize("embedding-store", wire(id, out.toByteArray())));
    assertEquals(WireFormatException.Kind.TRUNCATED, e.kind());
  }

  @Test
  void randomGarbageNeverEscapesAsAnythingElse() {
    int id = registry.register(TOPIC + "-value", FaceEvent.getClassSchema());
    java.util.Random random = new java.util.Random(20261129);
    Deserializer<FaceEvent> d = AvroSerde.of(FaceEvent.class, registry, false).deserializer();
    byte[] valid = validBytes();
    int rejected = 0;
    for (int i = 0; i < 3000; i++) {
      byte[] bytes;
      if (i % 2 == 0) {
        byte[] garbage = new byte[random.nextInt(300)];
        random.nextBytes(garbage);
        bytes = wire(id, garbage);
      } else {
        bytes = valid.clone(); // flip a few bytes of a real record, header excluded
        for (int k = 0; k < 1 + random.nextInt(4); k++) {
          bytes[5 + random.nextInt(bytes.length - 5)] ^= (byte) (1 + random.nextInt(255));
        }
      }
      try {
        FaceEvent event = d.deserialize(TOPIC, bytes);
        assertTrue(event != null, "never a silent null");
      } catch (WireFormatException e) {
        assertTrue(
            e.kind() == WireFormatException.Kind.TRUNCATED
                || e.kind() == WireFormatException.Kind.CORRUPT_PAYLOAD,
            e.getMessage());
        rejected++;
      }
    }
    assertTrue(rejected > 1500, "rejected " + rejected);
  }

  @Test
  void registryFailureWhileReadingIsRegistryError() {
    SchemaRegistryClient down =
        new FailingRegistry(
            new SchemaRegistryException("http://127.0.0.1:1: HTTP 500", 500, 50001));
    Deserializer<FaceEvent> d = AvroSerde.of(FaceEvent.class, down, false).deserializer();
    WireFormatException e =
        assertThrows(WireFormatException.class, () -> d.deserialize(TOPIC, wire(3, new byte[1])));
    assertEquals(WireFormatException.Kind.REGISTRY_ERROR, e.kind());
    assertEquals(3, e.schemaId().orElseThrow());
  }

  @Test
  void registryRefusalWhileWritingIsRegistryError() {
    AvroSerde.of(AccessDecision.class, registry, false)
        .serializer()
        .serialize("shared", SampleRecords.decision());
    Serializer<FaceEvent> s = AvroSerde.of(FaceEvent.class, registry, false).serializer();
    WireFormatException e =
        assertThrows(
            WireFormatException.class, () -> s.serialize("shared", SampleRecords.faceEvent()));
    assertEquals(WireFormatException.Kind.REGISTRY_ERROR, e.kind());
    assertTrue(e.getMessage().contains("shared-value"), e.getMessage());
  }

  @Test
  void recordWithNullRequiredFieldIsInvalidRecord() {
    Serializer<FaceEvent> s = AvroSerde.of(FaceEvent.class, registry, false).serializer();
    WireFormatException e =
        assertThrows(WireFormatException.class, () -> s.serialize(TOPIC, new FaceEvent()));
    assertEquals(WireFormatException.Kind.INVALID_RECORD, e.kind());
  }

  // --- caching ---

  @Test
  void registersOncePerTopicAndFetchesEachIdOnce() {
    CountingRegistry counting = new CountingRegistry(registry);
    AvroSerde<FaceEvent> serde = AvroSerde.of(FaceEvent.class, counting, false);
    AvroSerde<FaceEvent> reader = AvroSerde.of(FaceEvent.class, counting, false);
    for (int i = 0; i < 50; i++) {
      byte[] bytes = serde.serializer().serialize(TOPIC, SampleRecords.faceEvent());
      assertEquals(SampleRecords.faceEvent(), reader.deserializer().deserialize(TOPIC, bytes));
    }
    assertEquals(1, counting.registers.get());
    assertEquals(1, counting.fetches.get());
  }

  @Test
  void oneSerdeServesManyThreads() throws Exception {
    AvroSerde<FaceEvent> serde = AvroSerde.of(FaceEvent.class, registry, false);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 300; i++) {
                    FaceEvent event =
                        FaceEvent.newBuilder(SampleRecords.faceEvent())
                            .setEventId(thread + "-" + i)
                            .build();
                    byte[] bytes = serde.serializer().serialize("topic-" + (i % 3), event);
                    assertEquals(
                        event, serde.deserializer().deserialize("topic-" + (i % 3), bytes));
                  }
                  return thread;
                }));
      }
      for (var r : results) {
        r.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // --- configured by class name, as Kafka does from properties ---

  @Test
  void configuresFromKafkaProperties() {
    Map<String, Object> props = new HashMap<>();
    props.put("schema.registry.url", "mock://" + scope);
    props.put("facegate.avro.type", FaceEvent.class.getName());
    try (AvroSerde<FaceEvent> serde = new AvroSerde<>()) {
      serde.configure(props, false);
      byte[] bytes = serde.serializer().serialize(TOPIC, SampleRecords.faceEvent());
      assertEquals(SampleRecords.faceEvent(), serde.deserializer().deserialize(TOPIC, bytes));
    }
    // a plain consumer-style deserializer configured the same way reads it too, through the shared
    // scope
    try (AvroDeserializer<FaceEvent> d = new AvroDeserializer<>()) {
      d.configure(props, false);
      assertEquals(FaceEvent.class, d.type());
      assertEquals(SampleRecords.faceEvent(), d.deserialize(TOPIC, validBytes()));
    }
  }

  @Test
  void keyAndValueTypesCanShareOneMap() {
    Map<String, Object> props =
        Map.of(
            "schema.registry.url",
            "mock://" + scope,
            "facegate.avro.key.type",
            EnrolledTemplate.class.getName(),
            "facegate.avro.value.type",
            FaceEvent.class.getName());
    try (AvroDeserializer<SpecificRecord> key = new AvroDeserializer<>();
        AvroDeserializer<SpecificRecord> value = new AvroDeserializer<>()) {
      key.configure(props, true);
      value.configure(props, false);
      assertEquals(EnrolledTemplate.class, key.type());
      assertEquals(FaceEvent.class, value.type());
    }
  }

  @Test
  void configurationErrorsNameTheKey() {
    AvroSerde<FaceEvent> serde = new AvroSerde<>();
    ConfigException noType =
        assertThrows(
            ConfigException.class,
            () -> serde.configure(Map.of("schema.registry.url", "mock://x"), false));
    assertTrue(noType.getMessage().contains("facegate.avro.value.type"), noType.getMessage());
    ConfigException notAvro =
        assertThrows(
            ConfigException.class,
            () ->
                serde.configure(
                    Map.of(
                        "schema.registry.url",
                        "mock://x",
                        "facegate.avro.type",
                        "java.lang.String"),
                    false));
    assertTrue(notAvro.getMessage().contains("facegate.avro.type"), notAvro.getMessage());
    ConfigException noUrl =
        assertThrows(
            ConfigException.class,
            () -> serde.configure(Map.of("facegate.avro.type", FaceEvent.class.getName()), false));
    assertTrue(noUrl.getMessage().contains("schema.registry.url"), noUrl.getMessage());
  }

  @Test
  void explicitlyBuiltSerdeIgnoresLaterConfigure() {
    AvroSerde<FaceEvent> serde = AvroSerde.of(FaceEvent.class, registry, false);
    serde.configure(Map.of(), false); // Kafka may call this; it must not wipe the given registry
    assertEquals(SampleRecords.faceEvent(), serde.deserializer().deserialize(TOPIC, validBytes()));
  }

  // --- helpers ---

  static byte[] wire(int id, byte[] avro) {
    return ByteBuffer.allocate(5 + avro.length).put((byte) 0).putInt(id).put(avro).array();
  }

  private static byte[] avro(Schema schema, Object datum) throws IOException {
    return avro(schema, datum, new org.apache.avro.specific.SpecificData());
  }

  private static byte[] avro(Schema schema, Object datum, GenericData model) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
    model.addLogicalTypeConversion(
        new org.apache.avro.data.TimeConversions.TimestampMillisConversion());
    new GenericDatumWriter<>(schema, model).write(datum, enc);
    enc.flush();
    return out.toByteArray();
  }

  private static Schema withExtraField(Schema schema, String fieldJson) {
    String json = schema.toString();
    int end = json.lastIndexOf(']');
    return new Schema.Parser()
        .parse(json.substring(0, end) + "," + fieldJson + json.substring(end));
  }

  private static final class FailingRegistry implements SchemaRegistryClient {
    private final SchemaRegistryException failure;

    FailingRegistry(SchemaRegistryException failure) {
      this.failure = failure;
    }

    @Override
    public int register(String subject, Schema schema) {
      throw failure;
    }

    @Override
    public Schema schemaById(int id) {
      throw failure;
    }

    @Override
    public void close() {}
  }

  private static final class CountingRegistry implements SchemaRegistryClient {
    final SchemaRegistryClient delegate;
    final AtomicInteger registers = new AtomicInteger();
    final AtomicInteger fetches = new AtomicInteger();

    CountingRegistry(SchemaRegistryClient delegate) {
      this.delegate = delegate;
    }

    @Override
    public int register(String subject, Schema schema) {
      registers.incrementAndGet();
      return delegate.register(subject, schema);
    }

    @Override
    public Schema schemaById(int id) {
      fetches.incrementAndGet();
      return delegate.schemaById(id);
    }

    @Override
    public void close() {}
  }
}
