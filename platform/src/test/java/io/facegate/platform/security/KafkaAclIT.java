package io.facegate.platform.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.Outcome;
import io.facegate.schemas.SourceCoordinates;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ACL set in {@code deploy/kafka/acls.conf}, applied to a SASL/SCRAM broker with the standard
 * authorizer, lets each principal do its job and nothing that could open a door or leak faces. That
 * facegate's real processor (its topology, internal topics and exactly-once transactions) runs
 * under the processor's ACLs is shown in {@code deploy}'s {@code ProcessorUnderAclsIT}, which can
 * see both platform and stream-processor.
 */
class KafkaAclIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static SecuredBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    AvroTrust.allowDecisions();
    broker = SecuredBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void cameraMayPublishFaceEventsAndOnlyTheProcessorReadsThem() throws Exception {
    byte[] event = "face-event-bytes".getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<String, byte[]> camera = producer("camera", Map.of())) {
      RecordMetadata m =
          camera.send(new ProducerRecord<>("camera-frames", "door-lobby", event)).get();
      List<ConsumerRecord<String, byte[]>> seen =
          readAll("processor", "camera-frames", m.partition(), m.offset() + 1);
      assertTrue(
          seen.stream().anyMatch(r -> r.offset() == m.offset()),
          "processor must see the camera's event");
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "camera,   access-granted", "camera,   access-decisions",
    "door,     access-granted", "door,     access-decisions",
    "enroller, access-granted", "auditor,  access-granted"
  })
  void forgedGrantFromAnyoneButTheProcessorIsRejected(String principal, String topic)
      throws Exception {
    long before = endOffsetsSum(topic);
    byte[] forged = forgedGrant().toByteBuffer().array();
    try (KafkaProducer<String, byte[]> p = producer(principal, Map.of())) {
      // The refusal comes back through the future (TopicAuthorizationException), or, when
      // the idempotent producer's id request was already refused (a principal with no
      // write ACL anywhere), synchronously from send() as a KafkaException caused by the
      // ClusterAuthorizationException: which of the two is a race inside the client.
      Exception e =
          assertThrows(
              Exception.class,
              () ->
                  p.send(new ProducerRecord<>(topic, "door-vault", forged))
                      .get(30, TimeUnit.SECONDS));
      assertTrue(authorizationInChain(e), "refused by authorisation, got " + e);
    }
    assertEquals(before, endOffsetsSum(topic), "nothing may land on " + topic);
  }

  @ParameterizedTest(name = "{0} reads {1}")
  @CsvSource({
    "door,     camera-frames", "door,     embedding-store", "door,     access-decisions",
    "camera,   camera-frames", "camera,   embedding-store", "camera,   access-granted",
    "enroller, embedding-store", "auditor,  camera-frames", "auditor,  embedding-store"
  })
  void faceBytesTemplatesAndOtherTopicsAreUnreadableWithoutAnAcl(String principal, String topic) {
    try (KafkaConsumer<String, byte[]> c = consumer(principal, null)) {
      c.assign(List.of(new TopicPartition(topic, 0)));
      c.seekToBeginning(c.assignment());
      KafkaException e =
          assertThrows(
              KafkaException.class,
              () -> {
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (System.nanoTime() < deadline) {
                  c.poll(Duration.ofMillis(200));
                }
              });
      assertInstanceOf(AuthorizationException.class, e, "got " + e);
    }
  }

  @Test
  void processorCannotForgeCameraEvents() throws Exception {
    try (KafkaProducer<String, byte[]> p = producer("processor", Map.of())) {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () ->
                  p.send(new ProducerRecord<>("camera-frames", "door-1", new byte[] {1}))
                      .get(30, TimeUnit.SECONDS));
      assertInstanceOf(AuthorizationException.class, e.getCause());
    }
  }

  @Test
  void processorTransactionalIdsAreLimitedToItsApplicationIdPrefix() {
    try (KafkaProducer<String, byte[]> p =
        producer("processor", Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "someone-else-0"))) {
      assertThrows(TransactionalIdAuthorizationException.class, p::initTransactions);
    }
  }

  @Test
  void doorCannotJoinAnotherConsumerGroup() {
    try (KafkaConsumer<String, byte[]> c = consumer("door", "facegate-processor")) {
      c.subscribe(List.of("access-granted"));
      assertThrows(
          GroupAuthorizationException.class,
          () -> {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
              c.poll(Duration.ofMillis(200));
            }
          });
    }
  }

  @Test
  void wrongPasswordIsRejectedAtAuthentication() {
    Properties props =
        SecuredBroker.clientSettings("door", "not-the-password", broker.bootstrapServers())
            .toProperties();
    try (Admin admin = Admin.create(props)) {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () -> admin.describeCluster().nodes().get(20, TimeUnit.SECONDS));
      assertInstanceOf(SaslAuthenticationException.class, e.getCause());
    }
  }

  @Test
  void doorReadsAndVerifiesAGrantTheProcessorWroteInATransaction() throws Exception {
    KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    DecisionSigner signer = new DecisionSigner("proc-test", key.getPrivate());
    DecisionVerifier verifier = new DecisionVerifier(Map.of("proc-test", key.getPublic()));
    AccessDecision grant = signer.signed(genuineGrant("evt-signed-1"));
    try (KafkaProducer<String, byte[]> p =
        producer(
            "processor",
            Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "facegate-processor-acl-test-0"))) {
      p.initTransactions();
      p.beginTransaction();
      p.send(
          new ProducerRecord<>("access-granted", grant.getDoorId(), grant.toByteBuffer().array()));
      p.commitTransaction();
    }
    try (KafkaConsumer<String, byte[]> door = consumer("door", "door-lobby")) {
      door.subscribe(List.of("access-granted"));
      AccessDecision received = null;
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (received == null && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : door.poll(Duration.ofMillis(200))) {
          if (!grant.getDoorId().equals(r.key())) {
            continue; // the Streams test's plain-text grants share the topic
          }
          AccessDecision d = AccessDecision.fromByteBuffer(ByteBuffer.wrap(r.value()));
          if ("evt-signed-1".equals(d.getEventId())) {
            received = d;
          }
        }
      }
      if (received == null) {
        fail("door did not receive the grant within " + WAIT);
      }
      assertTrue(
          verifier.verify(received), "door must be able to verify the processor's signature");
    }
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(
      String principal, String topic, int partition, long until) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = consumer(principal, null)) {
      TopicPartition tp = new TopicPartition(topic, partition);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (c.position(tp) < until && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  private static long endOffsetsSum(String topic) throws Exception {
    try (Admin admin = Admin.create(broker.clientProperties(SecuredBroker.ADMIN))) {
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (int p = 0; p < SecuredBroker.PARTITIONS; p++) {
        request.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      return admin.listOffsets(request).all().get().values().stream()
          .mapToLong(i -> i.offset())
          .sum();
    }
  }

  private static boolean authorizationInChain(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof AuthorizationException) {
        return true;
      }
    }
    return false;
  }

  private static KafkaProducer<String, byte[]> producer(
      String principal, Map<String, String> extra) {
    Properties props = broker.clientProperties(principal);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    props.putAll(extra);
    return new KafkaProducer<>(props);
  }

  private static KafkaConsumer<String, byte[]> consumer(String principal, String group) {
    Properties props = broker.clientProperties(principal);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    if (group != null) {
      props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    return new KafkaConsumer<>(props);
  }

  private static AccessDecision forgedGrant() {
    return genuineGrant("evt-forged");
  }

  private static AccessDecision genuineGrant(String eventId) {
    return AccessDecision.newBuilder()
        .setEventId(eventId)
        .setCameraId("cam-1")
        .setDoorId("door-vault")
        .setOutcome(Outcome.GRANTED)
        .setReason(DecisionReason.MATCH)
        .setMatchedIdentity("mallory")
        .setDistance(0.1f)
        .setThreshold(0.6f)
        .setModelVersion("v1")
        .setCaptureTime(Instant.ofEpochMilli(1_000))
        .setDecidedAt(Instant.ofEpochMilli(2_000))
        .setProcessingLatencyMs(1)
        .setSource(new SourceCoordinates("camera-frames", 0, 0L))
        .build();
  }
}
