package io.facegate.schemas.registry;

import java.util.Objects;

/**
 * Confluent's default subject naming: {@code <topic>-key} for keys, {@code <topic>-value} for
 * values.
 */
public final class TopicNameStrategy {
  private TopicNameStrategy() {}

  /** The subject under which a topic's key or value schema is registered. */
  public static String subject(String topic, boolean isKey) {
    Objects.requireNonNull(topic, "topic");
    return topic + (isKey ? "-key" : "-value");
  }
}
