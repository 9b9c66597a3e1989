package io.facegate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docker-compose.yml, checked at YAML level: no Docker daemon needed. */
class ComposeFileTest {
  private static final Set<String> ONE_SHOT = Set.of("init-topics", "init-signing-key");
  private static final Set<String> PROCESSORS = Set.of("processor", "processor-gpu");
  private static Map<String, Object> compose;
  private static Map<String, Object> services;

  @BeforeAll
  static void load() throws IOException {
    List<Map<String, Object>> docs = Repo.yamlDocuments(Repo.file("docker-compose.yml"));
    assertEquals(1, docs.size());
    compose = docs.get(0);
    services = Repo.map(compose.get("services"), "services");
  }

  private static Map<String, Object> service(String name) {
    return Repo.map(services.get(name), "service " + name);
  }

  @Test
  void hasTheWholeStack() {
    assertTrue(
        services
            .keySet()
            .containsAll(
                Set.of(
                    "kafka",
                    "schema-registry",
                    "init-topics",
                    "init-signing-key",
                    "processor",
                    "processor-gpu",
                    "prometheus")),
        "services: " + services.keySet());
  }

  @Test
  void everyServiceRunsAPinnedImage() {
    services.forEach(
        (name, s) -> {
          Object image = Repo.map(s, name).get("image");
          assertNotNull(image, name + " must name its image (also when it builds one), with a tag");
          assertTrue(Repo.isPinned(image.toString()), name + ": image not pinned: " + image);
        });
  }

  @Test
  void kafkaIsKraftWithPinnedApacheImageAndNoAutoCreation() {
    Map<String, Object> kafka = service("kafka");
    assertTrue(kafka.get("image").toString().startsWith("apache/kafka:"));
    Map<String, Object> env = Repo.map(kafka.get("environment"), "kafka.environment");
    assertTrue(
        env.get("KAFKA_PROCESS_ROLES").toString().contains("controller"),
        "KRaft: the broker is its own controller");
    assertEquals("false", env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE").toString());
    assertEquals(
        "1",
        env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR").toString(),
        "exactly-once on one broker");
  }

  @Test
  void schemaRegistrySpeaksTheConfluentApi() {
    String image = service("schema-registry").get("image").toString();
    assertTrue(
        image.startsWith("apicurio/apicurio-registry")
            || image.startsWith("confluentinc/cp-schema-registry"),
        image);
    Map<String, Object> env =
        Repo.map(service("processor").get("environment"), "processor.environment");
    assertTrue(
        env.get("FACEGATE_SCHEMA_REGISTRY_URL").toString().contains("/apis/ccompat/"),
        "processors use the ccompat API");
  }

  @Test
  void longRunningServicesHaveHealthchecks() {
    services.forEach(
        (name, s) -> {
          if (ONE_SHOT.contains(name)) {
            return;
          }
          Object test = Repo.at(Repo.map(s, name), "healthcheck", "test");
          assertNotNull(test, name + " needs a healthcheck");
          assertFalse(Repo.list(test, name + ".healthcheck.test").isEmpty());
        });
    assertTrue(Repo.at(service("processor"), "healthcheck", "test").toString().contains("/health"));
  }

  @Test
  void initServicesRunOnceAndCompleteBeforeProcessorsStart() {
    for (String init : ONE_SHOT) {
      assertEquals("no", service(init).get("restart"), init + " is one-shot");
    }
    assertEquals(
        "service_healthy", Repo.at(service("init-topics"), "depends_on", "kafka", "condition"));
    assertTrue(
        Repo.list(service("init-topics").get("entrypoint"), "entrypoint")
            .toString()
            .contains("create-topics.sh"));
    for (String p : PROCESSORS) {
      Map<String, Object> deps = Repo.map(service(p).get("depends_on"), p + ".depends_on");
      for (String init : ONE_SHOT) {
        assertEquals(
            "service_completed_successfully",
            Repo.at(deps, init, "condition"),
            p + " waits for " + init);
      }
      assertEquals(
          "service_healthy", Repo.at(deps, "kafka", "condition"), p + " waits for a healthy Kafka");
      assertEquals("service_healthy", Repo.at(deps, "schema-registry", "condition"));
    }
  }

  @Test
  void twoCpuProcessorReplicasWithinThePartitionCount() throws IOException {
    Object replicas = Repo.at(service("processor"), "deploy", "replicas");
    assertEquals(2, replicas);
    int partitions = Repo.topicPartitions().get("camera-frames");
    assertTrue(
        2 + 1 <= partitions,
        "CPU replicas + the GPU one must not exceed camera-frames' " + partitions + " partitions");
  }

  @Test
  void gpuProcessorOnlyInItsProfileWithADeviceReservation() {
    services.forEach(
        (name, s) -> {
          Map<String, Object> svc = Repo.map(s, name);
          Object devices = Repo.at(svc, "deploy", "resources", "reservations", "devices");
          Object profiles = svc.get("profiles");
          if (name.equals("processor-gpu")) {
            assertEquals(List.of("gpu"), profiles);
            Map<String, Object> device = Repo.map(Repo.list(devices, "devices").get(0), "device");
            assertEquals("nvidia", device.get("driver"));
            assertTrue(Repo.list(device.get("capabilities"), "capabilities").contains("gpu"));
            assertTrue(svc.get("image").toString().contains("gpu"));
            assertEquals("deploy/docker/Dockerfile.gpu", Repo.at(svc, "build", "dockerfile"));
            String device0 =
                Repo.map(svc.get("environment"), "env").get("FACEGATE_PROCESSOR_DEVICE").toString();
            assertTrue(
                device0.startsWith("cuda"),
                "explicit CUDA, never a silent CPU fallback: " + device0);
          } else {
            assertNull(devices, name + " must not reserve a GPU");
            assertNull(profiles, name + " runs by default");
          }
        });
  }

  @Test
  void publishedPortsListenOnLoopbackOnly() {
    services.forEach(
        (name, s) -> {
          Object ports = Repo.map(s, name).get("ports");
          if (ports != null) {
            for (Object p : Repo.list(ports, name + ".ports")) {
              assertTrue(
                  p.toString().startsWith("127.0.0.1:"),
                  name + " publishes " + p + " beyond this host");
            }
          }
        });
  }

  @Test
  void signingKeyIsReadOnlyInProcessorsAndWrittenOnlyByItsInitService() {
    for (String p : PROCESSORS) {
      assertTrue(
          Repo.list(service(p).get("volumes"), p + ".volumes").contains("signing-keys:/keys:ro"),
          p);
    }
    assertTrue(
        Repo.list(service("init-signing-key").get("volumes"), "volumes")
            .contains("signing-keys:/keys"));
  }

  @Test
  void boundFilesAndDockerfilesExist() {
    services.forEach(
        (name, s) -> {
          Map<String, Object> svc = Repo.map(s, name);
          Object volumes = svc.get("volumes");
          if (volumes != null) {
            for (Object v : Repo.list(volumes, name + ".volumes")) {
              String source = v.toString().split(":")[0];
              if (source.startsWith("./") && !source.equals("./models")) {
                assertTrue(
                    Files.exists(Repo.file(source.substring(2))),
                    name + " mounts missing " + source);
              }
            }
          }
          Object dockerfile = Repo.at(svc, "build", "dockerfile");
          if (dockerfile != null) {
            assertTrue(
                Files.isRegularFile(Repo.file(dockerfile.toString())), name + ": " + dockerfile);
          }
        });
  }

  @Test
  void prometheusScrapesEveryProcessorService() throws IOException {
    Map<String, Object> prom =
        Repo.yamlDocuments(Repo.file("deploy/prometheus/prometheus.yml")).get(0);
    String scrape = prom.get("scrape_configs").toString();
    for (String p : PROCESSORS) {
      assertTrue(scrape.contains("[" + p + "]"), "Prometheus must discover " + p + ": " + scrape);
    }
    assertTrue(scrape.contains("metrics_path=/metrics"));
  }

  /**
   * Where the Docker CLI has the compose plugin, it must accept the file too (no daemon needed).
   */
  @Test
  void dockerComposeConfigAcceptsTheFileWhereTheCliExists()
      throws IOException, InterruptedException {
    assumeTrue(
        run("docker", "compose", "version").exitCode == 0, "no docker CLI with the compose plugin");
    Result r =
        run(
            "docker",
            "compose",
            "-f",
            Repo.file("docker-compose.yml").toString(),
            "--profile",
            "gpu",
            "config",
            "--quiet");
    assertEquals(0, r.exitCode, r.output);
  }

  private record Result(int exitCode, String output) {}

  private static Result run(String... command) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out: " + out);
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      return new Result(-1, e.getMessage());
    }
  }
}
