package io.facegate.processor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** {@code processor.streams.*}: raw Kafka settings for tuning, which cannot weaken the guarantees. */
class StreamsPassThroughTest {

  private static Properties props(Map<String, String> extra) {
    Map<String, String> m = new HashMap<>(extra);
    m.put("kafka.bootstrap.servers", "127.0.0.1:9092");
    m.put(ProcessorConfig.MODEL_DIR, "/models/current");
    return ProcessorConfig.fromMap(m).streamsProperties();
  }

  @Test
  void prefixedSettingsReachKafkaStreamsUnchanged() {
    Properties p = props(Map.of("processor.streams.producer.linger.ms", "7",
        "processor.streams.heartbeat.interval.ms", "1500"));
    assertEquals("7", p.getProperty("producer.linger.ms"));
    assertEquals("1500", p.getProperty("heartbeat.interval.ms"));
    assertNull(p.getProperty("processor.streams.producer.linger.ms"));
  }

  @Test
  void theGuaranteeAndTheApplicationIdCannotBeOverridden() {
    Properties p = props(Map.of("processor.streams.processing.guarantee", "at_least_once",
        "processor.streams.application.id", "other"));
    assertEquals(StreamsConfig.EXACTLY_ONCE_V2, p.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    assertEquals("facegate-processor", p.getProperty(StreamsConfig.APPLICATION_ID_CONFIG));
  }

  @Test
  void fetchedInputPerPartitionIsBoundedByDefaultAndCanBeChanged() {
    assertEquals("64", props(Map.of()).getProperty(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG));
    assertEquals("500", props(Map.of("processor.streams.buffered.records.per.partition", "500"))
        .getProperty(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG));
  }
}
