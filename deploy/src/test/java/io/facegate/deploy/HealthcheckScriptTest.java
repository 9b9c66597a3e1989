package io.facegate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** deploy/docker/healthcheck.sh (the images' HEALTHCHECK) is healthy on 200 only, without curl. */
class HealthcheckScriptTest {

  private static int run(int port, String path) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder("bash", Repo.file("deploy/docker/healthcheck.sh").toString(), path)
            .redirectErrorStream(true);
    pb.environment().put("FACEGATE_PROCESSOR_HTTP_PORT", Integer.toString(port));
    Process p = pb.start();
    p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    return p.exitValue();
  }

  @Test
  void healthyOnlyWhenTheEndpointAnswers200() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/health",
        ex -> {
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    server.createContext(
        "/ready",
        ex -> {
          ex.sendResponseHeaders(503, -1);
          ex.close();
        });
    server.start();
    try {
      int port = server.getAddress().getPort();
      assertEquals(0, run(port, "/health"));
      assertEquals(1, run(port, "/ready"), "503 is unhealthy");
      assertEquals(1, run(port, "/missing"), "404 is unhealthy");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void unhealthyWhenNothingListens() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertEquals(1, run(port, "/health"));
  }
}
