package io.facegate.processor.topology;

import io.facegate.platform.topics.TopicNames;
import io.facegate.schemas.registry.RegistryConfig;
import io.facegate.schemas.registry.SchemaRegistryClients;
import java.util.UUID;

/** The production serdes (Avro, Confluent wire format) against a fresh in-JVM mock registry. */
public final class TestSerdes {
  private TestSerdes() {}

  public static ProcessorTopics topics() {
    return ProcessorTopics.of(
        TopicNames.defaults(),
        SchemaRegistryClients.create(RegistryConfig.mock("processor-test-" + UUID.randomUUID())));
  }
}
