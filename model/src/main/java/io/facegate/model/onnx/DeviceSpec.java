package io.facegate.model.onnx;

import java.util.Locale;

/**
 * Where inference runs: {@code cpu}, {@code cuda} (device 0), {@code cuda:N}, or {@code auto} (CUDA
 * device 0 when it can be loaded, otherwise CPU).
 *
 * @param kind which execution provider is requested
 * @param cudaDevice CUDA device ordinal; 0 unless {@code kind} is {@link Kind#CUDA}
 */
public record DeviceSpec(Kind kind, int cudaDevice) {
  /** The requested execution provider. */
  public enum Kind {
    CPU,
    CUDA,
    AUTO
  }

  public DeviceSpec {
    if (kind == null) {
      throw new IllegalArgumentException("device: kind must be set");
    }
    if (cudaDevice < 0) {
      throw new IllegalArgumentException("device: CUDA device ordinal must be >= 0: " + cudaDevice);
    }
    if (kind == Kind.CPU && cudaDevice != 0) {
      throw new IllegalArgumentException("device: cpu takes no device ordinal");
    }
  }

  public static DeviceSpec cpu() {
    return new DeviceSpec(Kind.CPU, 0);
  }

  /**
   * Parses {@code cpu | cuda | cuda:N | auto} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static DeviceSpec parse(String s) {
    String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "cpu":
        return cpu();
      case "cuda":
        return new DeviceSpec(Kind.CUDA, 0);
      case "auto":
        return new DeviceSpec(Kind.AUTO, 0);
      default:
        break;
    }
    if (v.startsWith("cuda:")) {
      try {
        return new DeviceSpec(Kind.CUDA, Integer.parseInt(v.substring("cuda:".length())));
      } catch (NumberFormatException e) {
        // fall through to the common message
      }
    }
    throw new IllegalArgumentException(
        "device: expected cpu, cuda, cuda:N or auto, got '" + s + "'");
  }

  @Override
  public String toString() {
    return switch (kind) {
      case CPU -> "cpu";
      case AUTO -> "auto";
      case CUDA -> "cuda:" + cudaDevice;
    };
  }
}
