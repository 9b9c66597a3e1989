package io.facegate.processor.core.policy;

/** Whether the door opens. The default, and the answer to any doubt, is {@link #DENIED}. */
public enum Outcome {
  DENIED,
  GRANTED
}
