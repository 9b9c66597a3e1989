package io.facegate.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeviceSpecTest {
  @Test
  void parsesEveryAcceptedForm() {
    assertEquals(new DeviceSpec(DeviceSpec.Kind.CPU, 0), DeviceSpec.parse("cpu"));
    assertEquals(new DeviceSpec(DeviceSpec.Kind.CUDA, 0), DeviceSpec.parse("cuda"));
    assertEquals(new DeviceSpec(DeviceSpec.Kind.CUDA, 3), DeviceSpec.parse(" CUDA:3 "));
    assertEquals(new DeviceSpec(DeviceSpec.Kind.AUTO, 0), DeviceSpec.parse("auto"));
    assertEquals("cuda:3", DeviceSpec.parse("cuda:3").toString());
  }

  @Test
  void rejectsAnythingElseNamingTheOption() {
    for (String bad : new String[] {"", "gpu", "cuda:", "cuda:-1", "cuda:x", "cpu:1", null}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> DeviceSpec.parse(bad), String.valueOf(bad));
      assertTrue(e.getMessage().startsWith("device:"), e.getMessage());
    }
  }
}
