package io.facegate.processor.app;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The settings every in-JVM processor of these tests starts from: CPU, no fixed port. */
final class TestProcessorSettings {
  private TestProcessorSettings() {}

  /**
   * A mutable settings map for one processor instance.
   *
   * @param bootstrap the embedded broker's bootstrap servers
   * @param modelDir the folder holding {@code model.onnx}
   * @param stateDir this instance's own Kafka Streams state folder
   * @param applicationId the Streams application id (the consumer group)
   */
  static Map<String, String> of(
      String bootstrap, Path modelDir, Path stateDir, String applicationId) {
    Map<String, String> cfg = new HashMap<>();
    cfg.put("kafka.bootstrap.servers", bootstrap);
    cfg.put(ProcessorConfig.MODEL_DIR, modelDir.toString());
    cfg.put(ProcessorConfig.DEVICE, "cpu");
    cfg.put(ProcessorConfig.STATE_DIR, stateDir.toString());
    cfg.put(ProcessorConfig.HTTP_PORT, "0");
    cfg.put(ProcessorConfig.APPLICATION_ID, applicationId);
    return cfg;
  }
}
