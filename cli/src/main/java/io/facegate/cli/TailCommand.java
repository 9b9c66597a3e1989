package io.facegate.cli;

import io.facegate.cli.tail.DecisionLine;
import io.facegate.platform.security.DecisionVerifier;
import io.facegate.platform.security.SignatureCheck;
import io.facegate.platform.topics.Topic;
import io.facegate.schemas.AccessDecision;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code facegate tail}: follow access decisions, one line each, until Ctrl-C. */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
      "Follow access-decisions (or access-granted) and print one line per decision:",
      "time, door, outcome, person, reason, distance vs threshold, latency. Only committed decisions are shown."
    })
public final class TailCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Mixin private ClusterOptions cluster;

  @Option(
      names = "--granted-only",
      description = "Follow access-granted (what a door controller sees).")
  private boolean grantedOnly;

  @Option(names = "--json", description = "One JSON object per line instead of text.")
  private boolean json;

  @Option(
      names = "--from-beginning",
      description = "Start at the oldest retained decision instead of now.")
  private boolean fromBeginning;

  @Option(
      names = "--max",
      defaultValue = "0",
      paramLabel = "N",
      description = "Stop after N decisions (0: until Ctrl-C).")
  private long max;

  @Option(
      names = "--verify-keys",
      paramLabel = "DIR",
      description =
          "Verify each decision's signature with the <keyId>.pub.pem keys in DIR and flag bad ones.")
  private Path verifyKeys;

  @Override
  public Integer call() throws IOException {
    DecisionVerifier verifier =
        verifyKeys == null ? null : DecisionVerifier.fromDirectory(verifyKeys);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (FacegateClients clients = FacegateClients.connect(cluster.settings(), List.of())) {
      Topic<String, AccessDecision> topic =
          grantedOnly ? clients.topics().accessGranted() : clients.topics().accessDecisions();
      KafkaConsumer<String, byte[]> consumer = clients.committedReader();
      CountDownLatch done = new CountDownLatch(1);
      Thread hook =
          new Thread(
              () -> {
                consumer.wakeup();
                try {
                  done.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "facegate-tail-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      long shown = 0;
      try (consumer) {
        List<TopicPartition> partitions =
            consumer.partitionsFor(topic.name(), Duration.ofSeconds(15)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        if (fromBeginning) {
          consumer.seekToBeginning(partitions);
        } else {
          consumer.seekToEnd(partitions);
        }
        err.println(
            "following "
                + topic.name()
                + (verifier == null ? "" : ", verifying signatures")
                + "; Ctrl-C to stop");
        err.flush();
        while (max == 0 || shown < max) {
          for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            print(out, err, topic, record, verifier);
            if (max > 0 && ++shown >= max) {
              break;
            }
          }
        }
      } catch (WakeupException e) {
        // Ctrl-C
      } finally {
        done.countDown();
        if (max > 0 && shown >= max) {
          Runtime.getRuntime().removeShutdownHook(hook);
        }
      }
    }
    return CommandLine.ExitCode.OK;
  }

  private void print(
      PrintWriter out,
      PrintWriter err,
      Topic<String, AccessDecision> topic,
      ConsumerRecord<String, byte[]> record,
      DecisionVerifier verifier) {
    AccessDecision d;
    try {
      d = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
    } catch (SerializationException e) {
      err.println(
          "unreadable record at "
              + record.topic()
              + "-"
              + record.partition()
              + "@"
              + record.offset()
              + ": "
              + e.getMessage());
      err.flush();
      return;
    }
    String signature = null;
    if (verifier != null) {
      SignatureCheck check = verifier.check(d);
      signature = check == SignatureCheck.VALID ? "signature ok" : "BAD SIGNATURE: " + check;
    }
    out.println(json ? DecisionLine.json(d, signature) : DecisionLine.human(d, signature));
    out.flush();
  }
}
