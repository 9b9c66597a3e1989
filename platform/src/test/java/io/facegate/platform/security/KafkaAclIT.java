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
import java.nio.file.Path;
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
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ACL set in {@code deploy/kafka/acls.conf}, applied to a SASL/SCRAM broker with the standard
 * authorizer, lets each principal do its job and nothing that could open a door or leak faces.
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
            RecordMetadata m = camera.send(new ProducerRecord<>("camera-frames", "door-lobby", event)).get();
            List<ConsumerRecord<String, byte[]>> seen = readAll("processor", "camera-frames", m.partition(), m.offset() + 1);
            assertTrue(seen.stream().anyMatch(r -> r.offset() == m.offset()), "processor must see the camera's event");
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "camera,   access-granted", "camera,   access-decisions",
        "door,     access-granted", "door,     access-decisions",
        "enroller, access-granted", "auditor,  access-granted"})
    void forgedGrantFromAnyoneButTheProcessorIsRejected(String principal, String topic) throws Exception {
        long before = endOffsetsSum(topic);
        byte[] forged = forgedGrant().toByteBuffer().array();
        try (KafkaProducer<String, byte[]> p = producer(principal, Map.of())) {
            // The refusal comes back through the future (TopicAuthorizationException), or, when
            // the idempotent producer's id request was already refused (a principal with no
            // write ACL anywhere), synchronously from send() as a KafkaException caused by the
            // ClusterAuthorizationException: which of the two is a race inside the client.
            Exception e = assertThrows(Exception.class,
                    () -> p.send(new ProducerRecord<>(topic, "door-vault", forged)).get(30, TimeUnit.SECONDS));
            assertTrue(authorizationInChain(e), "refused by authorisation, got " + e);
        }
        assertEquals(before, endOffsetsSum(topic), "nothing may land on " + topic);
    }

    @ParameterizedTest(name = "{0} reads {1}")
    @CsvSource({
        "door,     camera-frames", "door,     embedding-store", "door,     access-decisions",
        "camera,   camera-frames", "camera,   embedding-store", "camera,   access-granted",
        "enroller, embedding-store", "auditor,  camera-frames", "auditor,  embedding-store"})
    void faceBytesTemplatesAndOtherTopicsAreUnreadableWithoutAnAcl(String principal, String topic) {
        try (KafkaConsumer<String, byte[]> c = consumer(principal, null)) {
            c.assign(List.of(new TopicPartition(topic, 0)));
            c.seekToBeginning(c.assignment());
            KafkaException e = assertThrows(KafkaException.class, () -> {
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
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> p.send(new ProducerRecord<>("camera-frames", "door-1", new byte[] {1})).get(30, TimeUnit.SECONDS));
            assertInstanceOf(AuthorizationException.class, e.getCause());
        }
    }

    @Test
    void processorTransactionalIdsAreLimitedToItsApplicationIdPrefix() {
        try (KafkaProducer<String, byte[]> p = producer("processor",
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "someone-else-0"))) {
            assertThrows(TransactionalIdAuthorizationException.class, p::initTransactions);
        }
    }

    @Test
    void doorCannotJoinAnotherConsumerGroup() {
        try (KafkaConsumer<String, byte[]> c = consumer("door", "facegate-processor")) {
            c.subscribe(List.of("access-granted"));
            assertThrows(GroupAuthorizationException.class, () -> {
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (System.nanoTime() < deadline) {
                    c.poll(Duration.ofMillis(200));
                }
            });
        }
    }

    @Test
    void wrongPasswordIsRejectedAtAuthentication() {
        Properties props = SecuredBroker.clientSettings("door", "not-the-password", broker.bootstrapServers()).toProperties();
        try (Admin admin = Admin.create(props)) {
            ExecutionException e = assertThrows(ExecutionException.class,
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
        try (KafkaProducer<String, byte[]> p = producer("processor",
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "facegate-processor-acl-test-0"))) {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>("access-granted", grant.getDoorId(), grant.toByteBuffer().array()));
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
            assertTrue(verifier.verify(received), "door must be able to verify the processor's signature");
        }
    }

    /**
     * A Kafka Streams app with the processor's application.id and exactly_once_v2, using the same
     * kinds of resources as the real topology (a global table over the embedding store, a
     * repartition topic, a changelogged state store, transactions), runs under the processor's ACLs.
     */
    @Test
    void exactlyOnceStreamsAppRunsUnderTheProcessorAcls(@TempDir Path stateDir) throws Exception {
        try (KafkaProducer<String, byte[]> processor = producer("processor", Map.of())) {
            processor.send(new ProducerRecord<>("embedding-store", "alice", "template-alice".getBytes(StandardCharsets.UTF_8))).get();
        }
        Properties props = broker.clientProperties("processor");
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "facegate-processor");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        try (KafkaStreams streams = new KafkaStreams(standInTopology().build(), props)) {
            List<Throwable> errors = new ArrayList<>();
            streams.setUncaughtExceptionHandler(e -> {
                errors.add(e);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            streams.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline && errors.isEmpty()) {
                Thread.sleep(100);
            }
            assertEquals(KafkaStreams.State.RUNNING, streams.state(), "streams state; errors: " + errors);

            try (KafkaProducer<String, byte[]> camera = producer("camera", Map.of())) {
                camera.send(new ProducerRecord<>("camera-frames", "door-2", "alice".getBytes(StandardCharsets.UTF_8))).get();
                camera.send(new ProducerRecord<>("camera-frames", "door-2", "mallory".getBytes(StandardCharsets.UTF_8))).get();
            }
            List<String> decisions = readValues("auditor", "auditor-acl-test", "access-decisions", 2);
            assertEquals(List.of("DENIED:mallory", "GRANTED:alice"), decisions.stream().sorted().toList());
            List<String> grants = readValues("door", "door-2", "access-granted", 1);
            assertEquals(List.of("GRANTED:alice"), grants.stream().filter(v -> v.startsWith("GRANTED:")).toList());
            assertTrue(errors.isEmpty(), "stream errors: " + errors);
        }
    }

    private static StreamsBuilder standInTopology() {
        StreamsBuilder b = new StreamsBuilder();
        GlobalKTable<String, byte[]> gallery = b.globalTable("embedding-store",
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("gallery-source"),
                Materialized.as("gallery"));
        KStream<String, byte[]> events = b.stream("camera-frames",
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("frames"));
        KStream<String, String> decisions = events
                .repartition(Repartitioned.<String, byte[]>as("by-door")
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray()))
                .leftJoin(gallery, (door, claimed) -> new String(claimed, StandardCharsets.UTF_8),
                        (claimed, template) -> (template == null ? "DENIED:" : "GRANTED:")
                                + new String(claimed, StandardCharsets.UTF_8),
                        Named.as("match"));
        decisions.to("access-decisions", Produced.with(Serdes.String(), Serdes.String()).withName("decisions"));
        decisions.filter((k, v) -> v.startsWith("GRANTED:"), Named.as("grants-only"))
                .to("access-granted", Produced.with(Serdes.String(), Serdes.String()).withName("grants"));
        decisions.groupByKey(Grouped.with("per-door", Serdes.String(), Serdes.String()))
                .count(Named.as("count"), Materialized.as("decisions-per-door"));
        return b;
    }

    private static List<String> readValues(String principal, String group, String topic, int atLeast) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = consumer(principal, group)) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < atLeast && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
            }
        }
        return values;
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String principal, String topic, int partition, long until) {
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
            return admin.listOffsets(request).all().get().values().stream().mapToLong(i -> i.offset()).sum();
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

    private static KafkaProducer<String, byte[]> producer(String principal, Map<String, String> extra) {
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
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
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
                .setEventId(eventId).setCameraId("cam-1").setDoorId("door-vault")
                .setOutcome(Outcome.GRANTED).setReason(DecisionReason.MATCH)
                .setMatchedIdentity("mallory").setDistance(0.1f).setThreshold(0.6f).setModelVersion("v1")
                .setCaptureTime(Instant.ofEpochMilli(1_000)).setDecidedAt(Instant.ofEpochMilli(2_000))
                .setProcessingLatencyMs(1).setSource(new SourceCoordinates("camera-frames", 0, 0L))
                .build();
    }
}
