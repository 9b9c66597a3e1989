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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Kubernetes manifests under deploy/, validated at schema level: no cluster needed. */
class KubernetesManifestsTest {
  private static final Set<String> KINDS_WITH_SPEC =
      Set.of("Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "Job");
  private static List<Map<String, Object>> docs;

  @BeforeAll
  static void load() throws IOException {
    docs = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Repo.file("deploy/k8s"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (Map<String, Object> d : Repo.yamlDocuments(f)) {
          if (!"Kustomization".equals(d.get("kind"))) {
            d.put("__file", f.toString());
            docs.add(d);
          }
        }
      }
    }
    assertFalse(docs.isEmpty());
  }

  private static List<Map<String, Object>> ofKind(String kind) {
    return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }

  private static List<Map<String, Object>> processorDeployments() {
    return ofKind("Deployment").stream()
        .filter(
            d ->
                "facegate-processor"
                    .equals(Repo.at(d, "metadata", "labels", "app.kubernetes.io/name")))
        .toList();
  }

  private static Map<String, Object> container(Map<String, Object> deployment) {
    List<Object> containers =
        Repo.list(Repo.at(deployment, "spec", "template", "spec", "containers"), "containers");
    assertEquals(1, containers.size());
    return Repo.map(containers.get(0), "container");
  }

  @Test
  void everyDocumentHasApiVersionKindAndName() {
    for (Map<String, Object> d : docs) {
      String where = d.get("__file").toString();
      assertNotNull(d.get("apiVersion"), where);
      assertNotNull(d.get("kind"), where);
      assertNotNull(Repo.at(d, "metadata", "name"), where);
      if (KINDS_WITH_SPEC.contains(d.get("kind").toString())) {
        assertNotNull(d.get("spec"), where + " " + d.get("kind") + " needs a spec");
      }
    }
    assertEquals(
        Set.of(
            "Namespace",
            "ServiceAccount",
            "ConfigMap",
            "Deployment",
            "Service",
            "PodDisruptionBudget",
            "NetworkPolicy",
            "Job"),
        docs.stream()
            .map(d -> d.get("kind").toString())
            .collect(java.util.stream.Collectors.toSet()));
  }

  @Test
  void everyImageIsPinned() {
    for (Map<String, Object> d : docs) {
      Object podSpec = Repo.at(d, "spec", "template", "spec");
      if (podSpec == null) {
        continue;
      }
      for (Object c : Repo.list(Repo.map(podSpec, "pod").get("containers"), "containers")) {
        String image = Repo.map(c, "container").get("image").toString();
        assertTrue(Repo.isPinned(image), d.get("__file") + ": image not pinned: " + image);
      }
    }
  }

  @Test
  void processorHasACpuAndAGpuDeployment() {
    List<Map<String, Object>> ds = processorDeployments();
    assertEquals(2, ds.size());
    long gpu =
        ds.stream()
            .filter(d -> Repo.at(container(d), "resources", "limits", "nvidia.com/gpu") != null)
            .count();
    assertEquals(1, gpu, "exactly one Deployment asks for nvidia.com/gpu");
    for (Map<String, Object> d : ds) {
      Map<String, Object> c = container(d);
      Object gpuLimit = Repo.at(c, "resources", "limits", "nvidia.com/gpu");
      if (gpuLimit != null) {
        assertEquals(
            gpuLimit,
            Repo.at(c, "resources", "requests", "nvidia.com/gpu"),
            "extended resources: request = limit");
        assertTrue(c.get("image").toString().contains("gpu"), "GPU pods run the CUDA image");
        assertNotNull(
            Repo.at(d, "spec", "template", "spec", "tolerations"), "GPU nodes are usually tainted");
      } else {
        assertNull(Repo.at(c, "resources", "requests", "nvidia.com/gpu"));
      }
    }
  }

  @Test
  void processorContainersHaveResourcesProbesAndALockedDownSecurityContext() {
    for (Map<String, Object> d : processorDeployments()) {
      String name = Repo.at(d, "metadata", "name").toString();
      Map<String, Object> c = container(d);
      for (String kind : List.of("requests", "limits")) {
        for (String r : List.of("cpu", "memory")) {
          assertNotNull(Repo.at(c, "resources", kind, r), name + " resources." + kind + "." + r);
        }
      }
      assertEquals("/ready", Repo.at(c, "readinessProbe", "httpGet", "path"), name);
      assertEquals("/health", Repo.at(c, "livenessProbe", "httpGet", "path"), name);
      assertEquals("/health", Repo.at(c, "startupProbe", "httpGet", "path"), name);
      assertEquals(
          true, Repo.at(d, "spec", "template", "spec", "securityContext", "runAsNonRoot"), name);
      assertEquals(true, Repo.at(c, "securityContext", "readOnlyRootFilesystem"), name);
      assertEquals(false, Repo.at(c, "securityContext", "allowPrivilegeEscalation"), name);
      assertEquals(List.of("ALL"), Repo.at(c, "securityContext", "capabilities", "drop"), name);
      assertEquals(
          false, Repo.at(d, "spec", "template", "spec", "automountServiceAccountToken"), name);
    }
  }

  @Test
  void selectorsMatchPodLabelsAndThePdbCoversEveryProcessor() {
    List<Map<String, Object>> pdbs = ofKind("PodDisruptionBudget");
    assertEquals(1, pdbs.size());
    Map<String, Object> pdbSelector =
        Repo.map(Repo.at(pdbs.get(0), "spec", "selector", "matchLabels"), "pdb selector");
    for (Map<String, Object> d : processorDeployments()) {
      Map<String, Object> podLabels =
          Repo.map(Repo.at(d, "spec", "template", "metadata", "labels"), "pod labels");
      Map<String, Object> selector =
          Repo.map(Repo.at(d, "spec", "selector", "matchLabels"), "selector");
      assertTrue(
          podLabels.entrySet().containsAll(selector.entrySet()),
          "Deployment selector must match its pods");
      assertTrue(
          podLabels.entrySet().containsAll(pdbSelector.entrySet()),
          "PDB must cover " + Repo.at(d, "metadata", "name"));
    }
    assertTrue(
        Repo.at(pdbs.get(0), "spec", "maxUnavailable") != null
            || Repo.at(pdbs.get(0), "spec", "minAvailable") != null);
  }

  @Test
  void allProcessorReplicasFitTheDocumentedPartitionCount() throws IOException {
    int partitions = Repo.topicPartitions().get("camera-frames");
    int replicas = 0;
    int surge = 0;
    for (Map<String, Object> d : processorDeployments()) {
      replicas += ((Number) Repo.at(d, "spec", "replicas")).intValue();
      Object s = Repo.at(d, "spec", "strategy", "rollingUpdate", "maxSurge");
      surge = Math.max(surge, s == null ? 0 : ((Number) s).intValue());
    }
    assertTrue(
        replicas + surge <= partitions,
        replicas
            + " replicas (+"
            + surge
            + " surge) exceed camera-frames' "
            + partitions
            + " partitions");
    String docs = Files.readString(Repo.file("docs/deployment.md"), StandardCharsets.UTF_8);
    assertTrue(
        docs.contains("`camera-frames` has " + partitions + " partitions"),
        "docs/deployment.md must state the partition count the manifests are sized for");
  }

  @Test
  void referencedSecretsAreDocumentedAndNoSecretIsShipped() throws IOException {
    assertTrue(ofKind("Secret").isEmpty(), "secrets are referenced, never committed");
    Set<String> referenced = new TreeSet<>();
    for (Map<String, Object> d : docs) {
      collectSecretNames(d, referenced);
    }
    assertTrue(
        referenced.containsAll(
            Set.of("facegate-kafka-processor", "facegate-signing-key", "facegate-kafka-tls")),
        "referenced: " + referenced);
    String deployment = Files.readString(Repo.file("docs/deployment.md"), StandardCharsets.UTF_8);
    for (String s : referenced) {
      assertTrue(deployment.contains(s), "docs/deployment.md must say how to create secret " + s);
    }
  }

  @Test
  void configuredApplicationIdIsTheOneTheAclsAllow() throws IOException {
    Map<String, Object> cm =
        ofKind("ConfigMap").stream()
            .filter(d -> "facegate-processor".equals(Repo.at(d, "metadata", "name")))
            .findFirst()
            .orElseThrow();
    String appId = Repo.at(cm, "data", "FACEGATE_PROCESSOR_APPLICATION__ID").toString();
    String acls = Files.readString(Repo.file("deploy/kafka/acls.conf"), StandardCharsets.UTF_8);
    assertTrue(
        acls.matches("(?s).*User:processor\\s+READ\\s+GROUP\\s+LITERAL\\s+" + appId + "\\s.*"),
        "group ACL for " + appId);
    assertTrue(
        acls.matches("(?s).*TRANSACTIONAL_ID\\s+PREFIXED\\s+" + appId + "-\\s.*"),
        "transactional-id ACL for " + appId);
    assertEquals(
        "SASL_SSL",
        Repo.at(cm, "data", "FACEGATE_KAFKA_SECURITY_PROTOCOL"),
        "production traffic is authenticated and encrypted");
  }

  @Test
  void kustomizeRendersBaseAndGpuOverlayWhereKubectlExists()
      throws IOException, InterruptedException {
    for (Path dir : List.of(Repo.file("deploy"), Repo.file("deploy/k8s/gpu"))) {
      Process p;
      try {
        p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).start();
      } catch (IOException e) {
        assumeTrue(false, "kubectl not installed");
        return;
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), err);
      List<Map<String, Object>> rendered = Repo.yamlDocuments(out);
      assertFalse(rendered.isEmpty());
      for (Map<String, Object> d : rendered) {
        if (!"Namespace".equals(d.get("kind"))) {
          assertEquals(
              "facegate", Repo.at(d, "metadata", "namespace"), "namespace set on " + d.get("kind"));
        }
      }
      if (dir.endsWith("deploy")) {
        Map<String, Object> setup =
            rendered.stream()
                .filter(
                    d ->
                        "facegate-kafka-setup".equals(Repo.at(d, "metadata", "name"))
                            && "ConfigMap".equals(d.get("kind")))
                .findFirst()
                .orElseThrow();
        assertEquals(
            Files.readString(Repo.file("deploy/kafka/acls.conf"), StandardCharsets.UTF_8),
            Repo.at(setup, "data", "acls.conf"),
            "the Job applies the very ACL file the test proves");
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void collectSecretNames(Object node, Set<String> out) {
    if (node instanceof Map<?, ?> m) {
      if (m.get("secretKeyRef") instanceof Map<?, ?> ref) {
        out.add(String.valueOf(ref.get("name")));
      }
      if (m.get("secret") instanceof Map<?, ?> vol && vol.get("secretName") != null) {
        out.add(String.valueOf(vol.get("secretName")));
      }
      for (Object v : ((Map<String, Object>) m).values()) {
        collectSecretNames(v, out);
      }
    } else if (node instanceof List<?> l) {
      for (Object v : l) {
        collectSecretNames(v, out);
      }
    }
  }
}
