package io.facegate.trainer.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Where and with what code a run happened. */
final class HostInfo {

  private HostInfo() {}

  static ObjectNode host(ObjectMapper mapper) {
    ObjectNode n = mapper.createObjectNode();
    String name;
    try {
      name = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      name = "unknown";
    }
    n.put("hostname", name);
    n.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    n.put("cpus", Runtime.getRuntime().availableProcessors());
    n.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
    n.put("engine", "DJL " + ai.djl.engine.Engine.getDjlVersion() + " / PyTorch (CPU)");
    return n;
  }

  /** The git commit of the working directory if it is a checkout, else the build version. */
  static String codeVersion() {
    String version = HostInfo.class.getPackage().getImplementationVersion();
    String fallback = version == null ? "0.1.0-SNAPSHOT" : version;
    if (!Files.isDirectory(Path.of(".git")) && !Files.isRegularFile(Path.of(".git"))) {
      return fallback;
    }
    try {
      Process p =
          new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("[0-9a-f]+")) {
        return "git:" + out;
      }
    } catch (IOException e) {
      return fallback;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return fallback;
  }
}
