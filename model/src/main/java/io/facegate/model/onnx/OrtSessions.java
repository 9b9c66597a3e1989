package io.facegate.model.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens ONNX Runtime sessions on the requested device, the one way every model of facegate
 * (embedder, landmarks, detector) is loaded: CPU, CUDA (fails clearly when CUDA cannot be used) or
 * AUTO (CUDA when it loads, else CPU).
 */
public final class OrtSessions {

  private static final Logger LOG = LoggerFactory.getLogger(OrtSessions.class);

  private OrtSessions() {}

  /**
   * A session with the options it was created with; the caller owns both and closes them with
   * {@link #close()}. The environment is ONNX Runtime's process-wide singleton and is not closed.
   *
   * @param device {@code cpu} or {@code cuda:N}, what the session actually runs on
   */
  public record Opened(
      OrtEnvironment env, OrtSession.SessionOptions options, OrtSession session, String device)
      implements AutoCloseable {
    @Override
    public void close() {
      OrtSessions.close(session, options);
    }
  }

  /**
   * Loads {@code modelFile} on {@code device}.
   *
   * @param intraOpThreads ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose
   * @throws ModelLoadException naming the file and what is wrong with it or the device
   */
  public static Opened open(Path modelFile, DeviceSpec device, int intraOpThreads) {
    if (!Files.isRegularFile(modelFile)) {
      throw new ModelLoadException("model file not found: " + modelFile);
    }
    if (intraOpThreads < 0) {
      throw new ModelLoadException("intra-op threads must be >= 0: " + intraOpThreads);
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = null;
    OrtSession session = null;
    try {
      String used;
      switch (device.kind()) {
        case CPU -> {
          options = cpuOptions(intraOpThreads);
          session = env.createSession(modelFile.toString(), options);
          used = "cpu";
        }
        case CUDA -> {
          options = cpuOptions(intraOpThreads);
          try {
            options.addCUDA(device.cudaDevice());
            session = env.createSession(modelFile.toString(), options);
          } catch (OrtException e) {
            throw new ModelLoadException(
                "device "
                    + device
                    + " requested but CUDA cannot be used: "
                    + e.getMessage()
                    + " (the GPU build needs -Pgpu, CUDA 12 and cuDNN 9; "
                    + "use --device cpu or auto)",
                e);
          }
          used = device.toString();
        }
        case AUTO -> {
          // getAvailableProviders() may list CUDA although its libraries cannot load, so the only
          // reliable test is to try
          options = cpuOptions(intraOpThreads);
          String cuda = "cuda:" + device.cudaDevice();
          try {
            options.addCUDA(device.cudaDevice());
            session = env.createSession(modelFile.toString(), options);
            used = cuda;
          } catch (OrtException e) {
            LOG.warn("device auto: CUDA is not usable ({}); falling back to CPU", e.getMessage());
            options.close();
            options = cpuOptions(intraOpThreads);
            session = env.createSession(modelFile.toString(), options);
            used = "cpu";
          }
        }
        default -> throw new ModelLoadException("unknown device " + device);
      }
      return new Opened(env, options, session, used);
    } catch (OrtException e) {
      close(session, options);
      throw new ModelLoadException("cannot load model " + modelFile + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      close(session, options);
      throw e;
    }
  }

  private static OrtSession.SessionOptions cpuOptions(int intraOpThreads) throws OrtException {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    try {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (intraOpThreads > 0) {
        o.setIntraOpNumThreads(intraOpThreads);
      }
      return o;
    } catch (OrtException e) {
      o.close();
      throw e;
    }
  }

  /** Closes a session and its options, logging (not throwing) a failure to close. */
  static void close(OrtSession session, OrtSession.SessionOptions options) {
    try {
      if (session != null) {
        session.close();
      }
    } catch (OrtException e) {
      LOG.warn("closing ONNX session: {}", e.getMessage());
    }
    if (options != null) {
      options.close();
    }
  }
}
