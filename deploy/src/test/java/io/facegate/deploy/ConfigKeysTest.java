package io.facegate.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.platform.config.ConfigSource;
import io.facegate.platform.config.KafkaClientSettings;
import io.facegate.platform.security.SigningConfig;
import io.facegate.schemas.registry.RegistryConfig;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every FACEGATE_* variable that compose and Kubernetes set maps (by ConfigSource's rule) to a key
 * some facegate config record reads, so a renamed key cannot leave a deployment silently on
 * defaults.
 */
class ConfigKeysTest {
  private static final String PROCESSOR_CONFIG = "io.facegate.processor.app.ProcessorConfig";

  private static Set<String> knownKeys() {
    Set<String> keys = new TreeSet<>();
    List<Class<?>> owners =
        new ArrayList<>(
            List.of(KafkaClientSettings.class, RegistryConfig.class, SigningConfig.class));
    try {
      owners.add(Class.forName(PROCESSOR_CONFIG));
    } catch (ClassNotFoundException e) {
      // processor not merged yet: its keys are checked by prefix only (below)
    }
    for (Class<?> owner : owners) {
      for (Field f : owner.getFields()) {
        int m = f.getModifiers();
        if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
          try {
            keys.add((String) f.get(null));
          } catch (IllegalAccessException e) {
            throw new AssertionError(e);
          }
        }
      }
    }
    return keys;
  }

  private static boolean processorConfigPresent() {
    try {
      Class.forName(PROCESSOR_CONFIG);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static void check(
      String where, Map<String, Object> env, Set<String> known, List<String> problems) {
    for (String name : env.keySet()) {
      if (!name.startsWith(ConfigSource.ENV_PREFIX)) {
        continue;
      }
      String key = ConfigSource.keyForEnv(name);
      // constants ending in '.' are prefixes of pass-through families (e.g. schema.registry.ssl.)
      boolean ok =
          known.contains(key)
              || known.stream()
                  .anyMatch(k -> k.endsWith(".") && key.startsWith(k) && key.length() > k.length())
              || (!processorConfigPresent() && key.startsWith("processor."));
      if (!ok) {
        problems.add(where + ": " + name + " -> '" + key + "' is read by no config record");
      }
    }
  }

  @Test
  void composeSetsOnlyKeysTheCodeReads() throws IOException {
    Set<String> known = knownKeys();
    List<String> problems = new ArrayList<>();
    Map<String, Object> services =
        Repo.map(
            Repo.yamlDocuments(Repo.file("docker-compose.yml")).get(0).get("services"), "services");
    services.forEach(
        (name, s) -> {
          Object env = Repo.map(s, name).get("environment");
          if (env != null) {
            check(
                "docker-compose.yml " + name,
                Repo.map(env, name + ".environment"),
                known,
                problems);
          }
        });
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void kubernetesSetsOnlyKeysTheCodeReads() throws IOException {
    Set<String> known = knownKeys();
    List<String> problems = new ArrayList<>();
    for (String file :
        List.of(
            "deploy/k8s/configmap.yaml",
            "deploy/k8s/deployment.yaml",
            "deploy/k8s/gpu/deployment-gpu.yaml")) {
      for (Map<String, Object> doc : Repo.yamlDocuments(Repo.file(file))) {
        Object data = doc.get("data");
        if (data != null) {
          check(file, Repo.map(data, "data"), known, problems);
        }
        Object containers = Repo.at(doc, "spec", "template", "spec", "containers");
        if (containers != null) {
          for (Object c : Repo.list(containers, "containers")) {
            Object env = Repo.map(c, "container").get("env");
            if (env != null) {
              Map<String, Object> names = new LinkedHashMap<>();
              for (Object e : Repo.list(env, "env")) {
                names.put(Repo.map(e, "env entry").get("name").toString(), "");
              }
              check(file, names, known, problems);
            }
          }
        }
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }
}
