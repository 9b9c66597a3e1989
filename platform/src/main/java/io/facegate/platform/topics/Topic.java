package io.facegate.platform.topics;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * A topic as a typed value: its name and how its keys and values are (de)serialised, defined once
 * (see {@link FacegateTopics}) so producers, consumers and Streams cannot disagree.
 *
 * @param name the Kafka topic name
 * @param keySerde serde for record keys
 * @param valueSerde serde for record values
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

  /** Checks that the name is a legal Kafka topic name and both serdes are present. */
  public Topic {
    TopicNames.validateName("topic", name);
    Objects.requireNonNull(keySerde, () -> "keySerde of topic " + name);
    Objects.requireNonNull(valueSerde, () -> "valueSerde of topic " + name);
  }
}
