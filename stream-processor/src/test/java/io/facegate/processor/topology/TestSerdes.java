package io.facegate.processor.topology;

import io.facegate.platform.topics.Topic;
import io.facegate.platform.topics.TopicNames;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DeadLetter;
import io.facegate.schemas.EnrolledTemplate;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.FaceEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Avro single-object-encoding serdes for topology tests: a value written with an unknown schema
 * fingerprint fails to deserialise, as an unknown registry schema id does with the real serde.
 */
public final class TestSerdes {
  static {
    // Avro 1.12 refuses to instantiate generated classes it was not told to trust
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
        ClassSecurityValidator.getGlobal(),
        c -> c.getPackageName().equals("io.facegate.schemas")));
  }

  private TestSerdes() {}

  public interface Reader<T> {
    T read(ByteBuffer b) throws IOException;
  }

  public interface Writer<T> {
    ByteBuffer write(T t) throws IOException;
  }

  public static <T> Serde<T> avro(Reader<T> reader, Writer<T> writer) {
    return Serdes.serdeFrom((topic, value) -> {
      if (value == null) {
        return null;
      }
      try {
        ByteBuffer b = writer.write(value);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
      } catch (IOException e) {
        throw new SerializationException(e);
      }
    }, (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return reader.read(ByteBuffer.wrap(bytes));
      } catch (IOException | RuntimeException e) {
        throw new SerializationException("cannot deserialise from " + topic + ": " + e, e);
      }
    });
  }

  public static ProcessorTopics topics() {
    TopicNames n = TopicNames.defaults();
    Serde<String> k = Serdes.String();
    Serde<AccessDecision> decisions = avro(AccessDecision::fromByteBuffer,
        AccessDecision::toByteBuffer);
    return new ProcessorTopics(
        new Topic<>(n.cameraFrames(), k, avro(FaceEvent::fromByteBuffer, FaceEvent::toByteBuffer)),
        new Topic<>(n.enrollments(), k,
            avro(Enrollment::fromByteBuffer, Enrollment::toByteBuffer)),
        new Topic<>(n.embeddingStore(), k,
            avro(EnrolledTemplate::fromByteBuffer, EnrolledTemplate::toByteBuffer)),
        new Topic<>(n.accessDecisions(), k, decisions),
        new Topic<>(n.accessGranted(), k, decisions),
        new Topic<>(n.deadLetters(), k, avro(DeadLetter::fromByteBuffer, DeadLetter::toByteBuffer)));
  }
}
