package io.facegate.schemas.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.Outcome;
import io.facegate.schemas.testing.SampleRecords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * AccessDecision v4 (SPOOF_SUSPECTED, livenessScore) against the published v3, both ways: the
 * processor's readers take old decisions, and consumers still on v3 (door controllers, tail) take
 * the new ones.
 */
class AccessDecisionV4Test {
  private static final Schema CURRENT = AccessDecision.getClassSchema();

  private static Schema published(int version) {
    List<SchemaVersion> versions = SchemaHistory.fromClasspath().versions("AccessDecision");
    return versions.get(version - 1).schema();
  }

  private static GenericRecord roundTrip(GenericRecord record, Schema writer, Schema reader)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(writer).write(record, enc);
    enc.flush();
    return new GenericDatumReader<GenericRecord>(writer, reader)
        .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
  }

  /** The sample decision as a generic record of {@code schema} (fields it lacks are dropped). */
  private static GenericRecord as(Schema schema, AccessDecision d) throws IOException {
    GenericRecord current = toGeneric(d);
    GenericRecord out = new GenericData.Record(schema);
    for (Schema.Field f : schema.getFields()) {
      Object v = current.get(f.name());
      if (v instanceof GenericData.EnumSymbol e) {
        v = new GenericData.EnumSymbol(f.schema(), e.toString());
      } else if (v instanceof GenericRecord r && f.schema().getType() == Schema.Type.RECORD) {
        v = copy(r, f.schema());
      }
      out.put(f.name(), v);
    }
    return out;
  }

  private static GenericRecord copy(GenericRecord r, Schema schema) {
    GenericRecord out = new GenericData.Record(schema);
    for (Schema.Field f : schema.getFields()) {
      out.put(f.name(), r.get(f.name()));
    }
    return out;
  }

  private static GenericRecord toGeneric(AccessDecision d) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new org.apache.avro.specific.SpecificDatumWriter<AccessDecision>(CURRENT).write(d, enc);
    enc.flush();
    return new GenericDatumReader<GenericRecord>(CURRENT)
        .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
  }

  @Test
  void aV3ReaderSeesASpoofDenialAsOtherAndIgnoresTheScore() throws IOException {
    AccessDecision spoof = SampleRecords.decision();
    spoof.setOutcome(Outcome.DENIED);
    spoof.setReason(DecisionReason.SPOOF_SUSPECTED);
    spoof.setLivenessScore(0.12f);

    GenericRecord read = roundTrip(toGeneric(spoof), CURRENT, published(3));

    assertEquals("DENIED", read.get("outcome").toString());
    assertEquals("OTHER", read.get("reason").toString(), "the enum's default stands in");
    assertEquals("evt-1", read.get("eventId").toString());
  }

  @Test
  void aV3DecisionReadsWithoutALivenessScore() throws IOException {
    Schema v3 = published(3);
    GenericRecord read = roundTrip(as(v3, SampleRecords.decision()), v3, CURRENT);

    assertNull(read.get("livenessScore"));
    assertEquals("MATCH", read.get("reason").toString());
  }

  @Test
  void theScoreSurvivesTheCurrentSchema() throws IOException {
    AccessDecision live = SampleRecords.decision();
    live.setLivenessScore(0.97f);

    assertEquals(0.97f, roundTrip(toGeneric(live), CURRENT, CURRENT).get("livenessScore"));
  }
}
