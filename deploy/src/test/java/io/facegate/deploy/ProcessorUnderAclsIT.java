package io.facegate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.facegate.model.onnx.TinyOnnxModel;
import io.facegate.platform.broker.EmbeddedKafkaBroker;
import io.facegate.platform.security.AclFile;
import io.facegate.platform.security.DecisionVerifier;
import io.facegate.platform.security.KeyGen;
import io.facegate.platform.security.ScramBroker;
import io.facegate.platform.security.SignatureCheck;
import io.facegate.platform.security.SigningConfig;
import io.facegate.platform.topics.TopicAdmin;
import io.facegate.platform.topics.TopicNames;
import io.facegate.processor.app.ProcessorApp;
import io.facegate.processor.app.ProcessorConfig;
import io.facegate.processor.topology.FacegateTopology;
import io.facegate.processor.topology.ProcessorTopics;
import io.facegate.schemas.AccessDecision;
import io.facegate.schemas.DeadLetter;
import io.facegate.schemas.DecisionReason;
import io.facegate.schemas.Enrollment;
import io.facegate.schemas.EnrollmentAction;
import io.facegate.schemas.FaceEvent;
import io.facegate.schemas.FaceImage;
import io.facegate.schemas.ImageEncoding;
import io.facegate.schemas.Outcome;
import io.facegate.schemas.registry.RegistryConfig;
import io.facegate.schemas.registry.SchemaRegistryClients;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real facegate processor (exactly-once v2, its own topology and internal topics) runs as
 * {@code User:processor} on a SASL/SCRAM broker with the standard authorizer and exactly the ACLs
 * of {@code deploy/kafka/acls.conf}: enrollment, decisions, grants, dead letters and "forget" all
 * work, with the other roles (enroller, camera, door, auditor) doing only what their ACLs allow,
 * and the door verifies the processor's Ed25519 signature on what it reads.
 */
class ProcessorUnderAclsIT {
  private static final String ADMIN = "admin";
  private static final List<String> ROLES =
      List.of("camera", "enroller", "processor", "door", "auditor");
  private static final Duration TIMEOUT = Duration.ofSeconds(40);
  private static final TopicNames NAMES = TopicNames.defaults();
  private static final String BUFFER_CHANGELOG =
      "facegate-processor-" + FacegateTopology.BUFFER_STORE + "-changelog";

  @TempDir static Path tmp;
  private static Path orl;
  private static EmbeddedKafkaBroker broker;
  private static ProcessorApp app;
  private static ProcessorTopics topics;
  private static DecisionVerifier doorVerifier;

  private static String password(String user) {
    return user + "-pw-3Kd9";
  }

  private static Properties client(String user) {
    return ScramBroker.client(broker.bootstrapServers(), user, password(user)).toProperties();
  }

  @BeforeAll
  static void start() throws Exception {
    orl = Path.of(System.getProperty("facegate.datasets", "../../shared/datasets"), "orl-faces");
    assumeTrue(Files.isDirectory(orl), "ORL faces not found at " + orl);
    broker = EmbeddedKafkaBroker.start(ScramBroker.settings(ADMIN, password(ADMIN)));
    try (Admin admin = Admin.create(client(ADMIN))) {
      Map<String, String> users = new HashMap<>();
      ROLES.forEach(r -> users.put(r, password(r)));
      ScramBroker.upsertUsers(admin, users);
      TopicAdmin.createAll(admin, NAMES, 2);
      // pre-created like deploy/kafka/create-topics.sh does, with the shipped configs
      admin
          .createTopics(
              List.of(
                  new NewTopic(BUFFER_CHANGELOG, 2, (short) 1)
                      .configs(shippedConfigs(BUFFER_CHANGELOG))))
          .all()
          .get();
      AclFile.apply(admin, AclFile.read(Repo.file("deploy/kafka/acls.conf")));
    }
    Path modelDir = Files.createDirectories(tmp.resolve("model"));
    TinyOnnxModel.pooling("orl-tiny-acl", 46, 56, 1, 2, 0.45f)
        .centred()
        .write(modelDir.resolve("model.onnx"));
    topics =
        ProcessorTopics.of(
            NAMES,
            SchemaRegistryClients.create(RegistryConfig.mock("acl-it-" + UUID.randomUUID())));
    Map<String, String> cfg = new HashMap<>();
    cfg.put("kafka.bootstrap.servers", broker.bootstrapServers());
    cfg.put("kafka.security.protocol", "SASL_PLAINTEXT");
    cfg.put("kafka.sasl.mechanism", ScramBroker.MECHANISM);
    cfg.put("kafka.sasl.username", "processor");
    cfg.put("kafka.sasl.password", password("processor"));
    // the application id the ACL file grants (group, internal topics, transactional ids)
    cfg.put(ProcessorConfig.APPLICATION_ID, "facegate-processor");
    cfg.put(ProcessorConfig.MODEL_DIR, modelDir.toString());
    cfg.put(ProcessorConfig.DEVICE, "cpu");
    cfg.put(ProcessorConfig.STATE_DIR, tmp.resolve("state").toString());
    cfg.put(ProcessorConfig.HTTP_PORT, "0");
    cfg.put(ProcessorConfig.BATCH_MAX_WAIT_MS, "20");
    // the processor signs; the door holds only the public key
    Path keys = Files.createDirectories(tmp.resolve("keys"));
    KeyGen.KeyFiles key = KeyGen.generate("processor-acl-it", keys);
    Path doorKeys = Files.createDirectories(tmp.resolve("door-keys"));
    Files.copy(key.publicKey(), doorKeys.resolve(key.publicKey().getFileName()));
    cfg.put(SigningConfig.KEY_ID, key.keyId());
    cfg.put(SigningConfig.KEY_FILE, key.privateKey().toString());
    doorVerifier =
        SigningConfig.fromMap(Map.of(SigningConfig.TRUSTED_KEYS_DIR, doorKeys.toString()))
            .verifier()
            .orElseThrow();
    app = ProcessorApp.start(ProcessorConfig.fromMap(cfg), topics);
    await("processor ready", app::ready);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void processorEnrollsDecidesGrantsDeadLettersAndForgetsUnderItsAcls() throws Exception {
    byte[] alice = Files.readAllBytes(orl.resolve("s1/1.pgm"));
    byte[] other = Files.readAllBytes(orl.resolve("s2/1.pgm"));
    try (KafkaProducer<String, byte[]> enroller = producer("enroller");
        KafkaProducer<String, byte[]> camera = producer("camera");
        KafkaConsumer<String, byte[]> auditor =
            consumer(
                "auditor",
                "auditor-acl-it",
                List.of(NAMES.accessDecisions(), NAMES.deadLetters()));
        KafkaConsumer<String, byte[]> door =
            consumer("door", "door-acl-it", List.of(NAMES.accessGranted()))) {
      enroll(enroller, "s1", EnrollmentAction.ENROLL, List.of(pgm(alice)));
      await("template of s1 in the gallery", () -> app.gallerySize() == 1);

      send(camera, event("genuine", pgm(alice), "s1"));
      send(camera, event("impostor", pgm(other), "s1"));
      camera
          .send(
              new ProducerRecord<>(
                  NAMES.cameraFrames(), "door-1", new byte[] {0, 0, 0, 0, 7, 1, 2}))
          .get();

      Map<String, AccessDecision> decisions = new LinkedHashMap<>();
      List<DeadLetter> dead = new ArrayList<>();
      List<AccessDecision> grants = new ArrayList<>();
      await(
          "three decisions, a dead letter and a grant",
          () -> {
            drain(auditor, decisions, dead);
            for (ConsumerRecord<String, byte[]> r : door.poll(Duration.ofMillis(100))) {
              grants.add(
                  topics
                      .accessGranted()
                      .valueSerde()
                      .deserializer()
                      .deserialize(r.topic(), r.value()));
            }
            return decisions.size() >= 3 && !dead.isEmpty() && !grants.isEmpty();
          });
      assertEquals(3, decisions.size(), "one decision per event: " + decisions.keySet());
      assertEquals(
          Outcome.GRANTED,
          decisions.get("genuine").getOutcome(),
          decisions.get("genuine").toString());
      assertEquals(Outcome.DENIED, decisions.get("impostor").getOutcome());
      assertEquals(
          List.of("genuine"),
          grants.stream().map(AccessDecision::getEventId).toList(),
          "door sees grants only");
      assertEquals(
          SignatureCheck.VALID,
          doorVerifier.check(grants.get(0)),
          "the door verifies the processor's signature");
      for (AccessDecision d : decisions.values()) {
        assertTrue(doorVerifier.verify(d), "every decision is signed: " + d.getEventId());
      }
      AccessDecision forged =
          AccessDecision.newBuilder(grants.get(0)).setDoorId("door-vault").build();
      assertEquals(
          SignatureCheck.BAD_SIGNATURE,
          doorVerifier.check(forged),
          "a grant re-aimed at another door fails");
      assertEquals(
          1,
          decisions.values().stream()
              .filter(d -> d.getOutcome() == Outcome.DENIED && !d.getEventId().equals("impostor"))
              .count(),
          "the undecodable event is denied");

      // forget: FORGET from the enroller -> tombstone written by the processor -> denied
      enroll(enroller, "s1", EnrollmentAction.FORGET, List.of());
      await("s1 forgotten", () -> app.gallerySize() == 0);
      send(camera, event("after-forget", pgm(alice), "s1"));
      await(
          "decision after forget",
          () -> {
            drain(auditor, decisions, dead);
            return decisions.containsKey("after-forget");
          });
      AccessDecision after = decisions.get("after-forget");
      assertEquals(Outcome.DENIED, after.getOutcome());
      assertEquals(DecisionReason.UNKNOWN_IDENTITY, after.getReason());
      assertTrue(app.ready(), "processor still running");

      // Streams used the pre-created buffer changelog (face bytes) and kept its short-lived configs
      try (Admin admin = Admin.create(client(ADMIN))) {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, BUFFER_CHANGELOG);
        Config actual = admin.describeConfigs(List.of(topic)).all().get().get(topic);
        shippedConfigs(BUFFER_CHANGELOG)
            .forEach((k, v) -> assertEquals(v, actual.get(k).value(), BUFFER_CHANGELOG + " " + k));
        Map<TopicPartition, OffsetSpec> ends =
            Map.of(
                new TopicPartition(BUFFER_CHANGELOG, 0),
                OffsetSpec.latest(),
                new TopicPartition(BUFFER_CHANGELOG, 1),
                OffsetSpec.latest());
        long written =
            admin.listOffsets(ends).all().get().values().stream().mapToLong(i -> i.offset()).sum();
        assertTrue(
            written > 0,
            "the processor buffered events in the pre-created changelog (it is the one in use)");
      }
    }
  }

  /** The configs deploy/kafka/topics.conf ships for {@code topic}. */
  private static Map<String, String> shippedConfigs(String topic) throws IOException {
    for (String line : Files.readAllLines(Repo.file("deploy/kafka/topics.conf"))) {
      String[] f = line.strip().split("\\s+");
      if (f.length == 3 && f[0].equals(topic)) {
        Map<String, String> configs = new HashMap<>();
        for (String kv : f[2].split(",")) {
          String[] p = kv.split("=", 2);
          configs.put(p[0], p[1]);
        }
        return configs;
      }
    }
    throw new AssertionError(topic + " not in deploy/kafka/topics.conf");
  }

  private static void drain(
      KafkaConsumer<String, byte[]> auditor,
      Map<String, AccessDecision> decisions,
      List<DeadLetter> dead) {
    for (ConsumerRecord<String, byte[]> r : auditor.poll(Duration.ofMillis(100))) {
      if (r.topic().equals(NAMES.accessDecisions())) {
        AccessDecision d =
            topics.accessDecisions().valueSerde().deserializer().deserialize(r.topic(), r.value());
        assertTrue(
            decisions.put(d.getEventId(), d) == null, "duplicate decision for " + d.getEventId());
      } else {
        dead.add(
            topics.deadLetters().valueSerde().deserializer().deserialize(r.topic(), r.value()));
      }
    }
  }

  private static void enroll(
      KafkaProducer<String, byte[]> enroller,
      String id,
      EnrollmentAction action,
      List<FaceImage> images)
      throws Exception {
    Enrollment e =
        Enrollment.newBuilder()
            .setIdentityId(id)
            .setAction(action)
            .setImages(images)
            .setRequestedAt(Instant.now())
            .build();
    enroller
        .send(
            new ProducerRecord<>(
                NAMES.enrollments(),
                id,
                topics.enrollments().valueSerde().serializer().serialize(NAMES.enrollments(), e)))
        .get();
  }

  private static void send(KafkaProducer<String, byte[]> camera, FaceEvent e) throws Exception {
    camera
        .send(
            new ProducerRecord<>(
                NAMES.cameraFrames(),
                e.getDoorId(),
                topics.cameraFrames().valueSerde().serializer().serialize(NAMES.cameraFrames(), e)))
        .get();
  }

  private static FaceImage pgm(byte[] data) {
    return FaceImage.newBuilder()
        .setData(ByteBuffer.wrap(data))
        .setEncoding(ImageEncoding.PGM)
        .build();
  }

  private static FaceEvent event(String id, FaceImage image, String claimed) {
    return FaceEvent.newBuilder()
        .setEventId(id)
        .setCameraId("cam-1")
        .setDoorId("door-1")
        .setCaptureTime(Instant.now())
        .setImage(image)
        .setClaimedIdentity(claimed)
        .setAttributes(Map.of())
        .build();
  }

  private static KafkaProducer<String, byte[]> producer(String user) {
    Properties p = client(user);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private static KafkaConsumer<String, byte[]> consumer(
      String user, String group, List<String> subscribe) {
    Properties c = client(user);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(subscribe);
    return consumer;
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long t0 = System.nanoTime();
    while (!done.getAsBoolean()) {
      assertTrue(
          System.nanoTime() - t0 < TIMEOUT.toNanos(),
          "timed out waiting for "
              + what
              + " (processor state "
              + (app == null ? "-" : app.state())
              + ")");
      Thread.sleep(50);
    }
  }
}
