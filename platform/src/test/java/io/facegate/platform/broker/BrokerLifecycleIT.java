package io.facegate.platform.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code ./facegate broker --log-dir/--port} relies on: a given log dir outlives the broker;
 * clear start errors.
 */
class BrokerLifecycleIT {

  @TempDir Path dir;

  @Test
  void givenLogDirIsKeptAndANewBrokerFindsItsTopics() throws Exception {
    Path logDir = dir.resolve("kafka-data");
    try (EmbeddedKafkaBroker first =
            EmbeddedKafkaBroker.start(BrokerSettings.defaults().withLogDir(logDir));
        Admin admin = Admin.create(first.clientProperties())) {
      admin.createTopics(List.of(new NewTopic("kept", 2, (short) 1))).all().get();
    }
    assertTrue(
        Files.exists(logDir.resolve("meta.properties")), "a given log dir is not deleted on close");

    try (EmbeddedKafkaBroker second =
            EmbeddedKafkaBroker.start(BrokerSettings.defaults().withLogDir(logDir));
        Admin admin = Admin.create(second.clientProperties())) {
      assertEquals(Set.of("kept"), admin.listTopics().names().get());
      assertEquals(
          2,
          admin
              .describeTopics(List.of("kept"))
              .allTopicNames()
              .get()
              .get("kept")
              .partitions()
              .size());
    }
  }

  @Test
  void twoBrokersRunSideBySideInOneJvm() throws Exception {
    try (EmbeddedKafkaBroker a = EmbeddedKafkaBroker.start(BrokerSettings.defaults());
        EmbeddedKafkaBroker b = EmbeddedKafkaBroker.start(BrokerSettings.defaults());
        Admin adminA = Admin.create(a.clientProperties());
        Admin adminB = Admin.create(b.clientProperties())) {
      adminA.createTopics(List.of(new NewTopic("only-on-a", 1, (short) 1))).all().get();

      assertTrue(a.port() != b.port());
      // the controller acknowledges creation before the broker's metadata cache lists the topic
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (adminA.listTopics().names().get().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(Set.of("only-on-a"), adminA.listTopics().names().get());
      assertEquals(Set.of(), adminB.listTopics().names().get());
    }
  }

  @Test
  void portInUseIsAOneLineStartError() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      int port = taken.getLocalPort();

      BrokerStartException e =
          assertThrows(
              BrokerStartException.class,
              () -> EmbeddedKafkaBroker.start(BrokerSettings.defaults().withPort(port)));

      assertEquals("port " + port + " on 127.0.0.1 is already in use", e.getMessage());
    }
  }

  @Test
  void logDirThatCannotBeCreatedIsAOneLineStartError() throws IOException {
    Path file = Files.createFile(dir.resolve("not-a-dir"));

    BrokerStartException e =
        assertThrows(
            BrokerStartException.class,
            () ->
                EmbeddedKafkaBroker.start(
                    BrokerSettings.defaults().withLogDir(file.resolve("kafka"))));

    assertTrue(e.getMessage().startsWith("log dir " + file.resolve("kafka")), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }
}
