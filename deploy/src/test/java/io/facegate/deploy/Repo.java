package io.facegate.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The checkout under test and typed-enough access to its YAML and topic list. */
final class Repo {
  /** {@code name:tag} or {@code name@sha256:...}; the tag must not be {@code latest}. */
  private static final Pattern PINNED_IMAGE =
      Pattern.compile(
          "^[a-z0-9][a-z0-9._/-]*(:(?!latest$)[A-Za-z0-9][A-Za-z0-9._-]*)?(@sha256:[0-9a-f]{64})?$");

  private Repo() {}

  /** The repository root: the parent of this module's directory. */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isRegularFile(dir.resolve("deploy/kafka/topics.conf"))
          && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "repository root not found above " + Path.of("").toAbsolutePath());
  }

  static Path file(String relative) {
    return root().resolve(relative);
  }

  /** Every document of a (multi-document) YAML file, with merge keys and anchors resolved. */
  static List<Map<String, Object>> yamlDocuments(Path file) throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(r)) {
        if (doc != null) {
          docs.add(map(doc, file + ": document"));
        }
      }
    }
    return docs;
  }

  static List<Map<String, Object>> yamlDocuments(String text) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
      if (doc != null) {
        docs.add(map(doc, "document"));
      }
    }
    return docs;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value, String what) {
    if (!(value instanceof Map)) {
      throw new AssertionError(what + " is not a mapping: " + value);
    }
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value, String what) {
    if (!(value instanceof List)) {
      throw new AssertionError(what + " is not a list: " + value);
    }
    return (List<Object>) value;
  }

  /** Walks a path of keys; null if any step is missing. */
  static Object at(Map<String, Object> root, String... keys) {
    Object cur = root;
    for (String k : keys) {
      if (!(cur instanceof Map)) {
        return null;
      }
      cur = ((Map<?, ?>) cur).get(k);
    }
    return cur;
  }

  static boolean isPinned(String image) {
    return image != null
        && PINNED_IMAGE.matcher(image).matches()
        && (image.contains("@sha256:")
            || image.substring(image.lastIndexOf('/') + 1).contains(":"));
  }

  /** topics.conf as name -> partitions. */
  static Map<String, Integer> topicPartitions() throws IOException {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String line :
        Files.readAllLines(file("deploy/kafka/topics.conf"), StandardCharsets.UTF_8)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] f = l.split("\\s+");
      out.put(f[0], Integer.parseInt(f[1]));
    }
    return out;
  }
}
