package io.facegate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The processor Dockerfiles, read as text: no Docker daemon needed. */
class DockerfileTest {
  private static final Pattern FROM =
      Pattern.compile(
          "^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?\\s*$",
          Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);

  private static String read(String name) throws IOException {
    return Files.readString(Repo.file("deploy/docker/" + name), StandardCharsets.UTF_8);
  }

  private record Stage(String image, String alias, String body) {}

  private static List<Stage> stages(String dockerfile) {
    List<Stage> out = new ArrayList<>();
    Matcher m = FROM.matcher(dockerfile);
    List<int[]> spans = new ArrayList<>();
    List<String[]> heads = new ArrayList<>();
    while (m.find()) {
      spans.add(new int[] {m.start(), m.end()});
      heads.add(new String[] {m.group(1), m.group(2)});
    }
    for (int i = 0; i < spans.size(); i++) {
      int end = i + 1 < spans.size() ? spans.get(i + 1)[0] : dockerfile.length();
      out.add(
          new Stage(heads.get(i)[0], heads.get(i)[1], dockerfile.substring(spans.get(i)[1], end)));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"Dockerfile", "Dockerfile.gpu"})
  void everyBaseImageIsPinned(String name) throws IOException {
    List<Stage> stages = stages(read(name));
    assertTrue(stages.size() >= 2, name + " is multi-stage");
    for (Stage s : stages) {
      assertTrue(Repo.isPinned(s.image()), name + ": FROM " + s.image() + " is not pinned");
    }
    for (String line : read(name).split("\n")) {
      if (line.contains("COPY --from=") && !line.matches(".*--from=[a-z]+\\s.*")) {
        String image = line.replaceAll(".*--from=(\\S+).*", "$1");
        assertTrue(Repo.isPinned(image), name + ": COPY --from " + image + " is not pinned");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Dockerfile", "Dockerfile.gpu"})
  void buildsWithMavenAndJdk17AndRunsAsNonRootWithAHealthcheck(String name) throws IOException {
    List<Stage> stages = stages(read(name));
    Stage build = stages.get(0);
    assertTrue(
        build.image().startsWith("maven:") && build.image().contains("17"),
        "builder: Maven + JDK 17, was " + build.image());
    assertTrue(build.body().contains("mvn "), "builder runs Maven");
    Stage runtime = stages.get(stages.size() - 1);
    assertFalse(runtime.body().contains("mvn "), "no Maven in the runtime stage");
    Matcher user = Pattern.compile("^USER\\s+(\\d+)", Pattern.MULTILINE).matcher(runtime.body());
    assertTrue(user.find(), name + ": runtime stage sets a numeric USER");
    assertFalse(user.group(1).equals("0"), "not root");
    assertTrue(
        runtime.body().matches("(?s).*HEALTHCHECK .*?/health.*"),
        name + ": healthcheck on /health");
    assertTrue(
        runtime.body().contains("io.facegate.cli.FacegateCommand"),
        name + ": runs the facegate CLI");
    assertTrue(Files.isExecutable(Repo.file("deploy/docker/healthcheck.sh")));
  }

  @Test
  void cpuRuntimeIsAJreNotAJdk() throws IOException {
    List<Stage> stages = stages(read("Dockerfile"));
    String runtime = stages.get(stages.size() - 1).image();
    assertTrue(runtime.contains("-jre"), "runtime image is a JRE: " + runtime);
    assertFalse(read("Dockerfile").contains("-Pgpu"));
  }

  @Test
  void gpuVariantUsesCuda12CudnnRuntimeAndTheGpuProfile() throws IOException {
    String gpu = read("Dockerfile.gpu");
    List<Stage> stages = stages(gpu);
    String runtime = stages.get(stages.size() - 1).image();
    assertTrue(
        runtime.matches("nvidia/cuda:12\\.[0-9.]+-cudnn-runtime-.*"),
        "CUDA 12 + cuDNN runtime base: " + runtime);
    assertFalse(runtime.contains("devel"), "runtime, not devel");
    assertTrue(stages.get(0).body().contains("-Pgpu"), "built with the gpu profile");
    assertTrue(
        gpu.contains("COPY --from=jre /opt/java/openjdk"), "only a JRE is added to the CUDA base");
    assertTrue(
        stages.stream().anyMatch(s -> "jre".equals(s.alias()) && s.image().contains("-jre")));
  }

  @Test
  void classesTheImagesRunExist() {
    Path cli = Repo.file("cli/src/main/java/io/facegate/cli");
    if (Files.isDirectory(cli)) {
      assertTrue(
          Files.isRegularFile(cli.resolve("FacegateCommand.java")), "entry point of the images");
    }
    assertTrue(
        Files.isRegularFile(
            Repo.file("platform/src/main/java/io/facegate/platform/security/KeyGen.java")),
        "compose's init-signing-key runs KeyGen");
  }

  @Test
  void dockerignoreKeepsBuildOutputAndKeysOutOfTheContext() throws IOException {
    String ignore = Files.readString(Repo.file(".dockerignore"), StandardCharsets.UTF_8);
    for (String pattern : List.of("**/target/", ".git/", "*.key.pem", "models/")) {
      assertTrue(ignore.lines().anyMatch(pattern::equals), ".dockerignore lacks " + pattern);
    }
    assertEquals(2, stages(read("Dockerfile")).size());
  }
}
