package io.facegate.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.facegate.model.face.FaceBox;
import io.facegate.model.face.FaceDetectionException;
import io.facegate.model.face.FaceDetector;
import io.facegate.model.face.FaceDetectorOptions;
import io.facegate.model.face.Letterbox;
import io.facegate.model.face.SsdDecoder;
import io.facegate.model.preprocess.RawImage;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * face-api's SSD MobileNetV1 face detector on ONNX Runtime: one long-lived session, the
 * pre-processing of {@link Letterbox} and the post-processing of {@link SsdDecoder} (both plain
 * Java in {@code io.facegate.model.face}).
 *
 * <p>The model contract, checked at load: metadata {@value #KIND_KEY} = {@value #KIND}; one float
 * input {@value #INPUT} {@code [batch, 3, S, S]} holding {@code x / 255} (the network's own
 * normalisation is inside the graph); outputs {@value #BOX_ENCODINGS} {@code [batch, N, 4]},
 * {@value #CLASS_LOGITS} {@code [batch, N]} (face-class logit, before the sigmoid) and {@value
 * #ANCHORS} {@code [N, 4]}. The anchors are read once at load by running the network on a blank
 * image, which also proves the session works before the first event arrives.
 *
 * <p>{@link #detect(List)} is thread-safe. Images are sent in runs of at most {@value #MAX_BATCH},
 * so a long list cannot make one huge tensor.
 */
public final class OnnxFaceDetector implements FaceDetector, AutoCloseable {
  /** Input name. */
  public static final String INPUT = "image";

  /** Raw box encodings, {@code [batch, N, 4]}. */
  public static final String BOX_ENCODINGS = "box_encodings";

  /** Face-class logits, {@code [batch, N]}. */
  public static final String CLASS_LOGITS = "class_logits";

  /** Anchor boxes, {@code [N, 4]}, independent of the input. */
  public static final String ANCHORS = "anchors";

  /** Metadata key naming the detector family. */
  public static final String KIND_KEY = "facegate.detector.kind";

  /** The only detector family this class understands. */
  public static final String KIND = "face-api-ssd-mobilenetv1";

  /** Most images per network run. */
  public static final int MAX_BATCH = 8;

  private static final Logger LOG = LoggerFactory.getLogger(OnnxFaceDetector.class);

  private final OrtEnvironment env;
  private final OrtSession.SessionOptions options;
  private final OrtSession session;
  private final String device;
  private final int size;
  private final SsdDecoder decoder;
  private final FaceDetectorOptions detectorOptions;

  private OnnxFaceDetector(
      OrtEnvironment env,
      OrtSession.SessionOptions options,
      OrtSession session,
      String device,
      int size,
      SsdDecoder decoder,
      FaceDetectorOptions detectorOptions) {
    this.env = env;
    this.options = options;
    this.session = session;
    this.device = device;
    this.size = size;
    this.decoder = decoder;
    this.detectorOptions = detectorOptions;
  }

  /**
   * Loads {@code modelFile} on {@code device}, checks it against the contract and reads its
   * anchors.
   *
   * @param intraOpThreads ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose
   * @throws ModelLoadException naming what is wrong: file, device, input, output or metadata
   */
  public static OnnxFaceDetector open(
      Path modelFile, DeviceSpec device, int intraOpThreads, FaceDetectorOptions detectorOptions) {
    if (detectorOptions == null) {
      throw new ModelLoadException("detector options must be set");
    }
    OrtSessions.Opened opened = OrtSessions.open(modelFile, device, intraOpThreads);
    try {
      int[] contract = checkContract(modelFile, opened.session());
      int inputSize = contract[0];
      int anchorCount = contract[1];
      SsdDecoder decoder =
          readAnchors(modelFile, opened.env(), opened.session(), inputSize, anchorCount);
      LOG.info(
          "loaded face detector {} ({} anchors, input {}x{}) on {}",
          modelFile,
          anchorCount,
          inputSize,
          inputSize,
          opened.device());
      return new OnnxFaceDetector(
          opened.env(),
          opened.options(),
          opened.session(),
          opened.device(),
          inputSize,
          decoder,
          detectorOptions);
    } catch (OrtException e) {
      opened.close();
      throw new ModelLoadException("cannot load detector " + modelFile + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
  }

  /** Returns {input side, anchor count} after checking names, shapes and the kind. */
  private static int[] checkContract(Path file, OrtSession session) throws OrtException {
    String kind = session.getMetadata().getCustomMetadata().get(KIND_KEY);
    if (!KIND.equals(kind)) {
      throw new ModelLoadException(
          file + ": metadata " + KIND_KEY + " is " + kind + ", expected " + KIND);
    }
    Map<String, NodeInfo> inputs = session.getInputInfo();
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    if (inputs.size() != 1 || !inputs.containsKey(INPUT)) {
      throw new ModelLoadException(
          file + ": expected exactly one input named '" + INPUT + "', found " + inputs.keySet());
    }
    for (String name : List.of(BOX_ENCODINGS, CLASS_LOGITS, ANCHORS)) {
      if (!outputs.containsKey(name)) {
        throw new ModelLoadException(
            file + ": expected an output named '" + name + "', found " + outputs.keySet());
      }
    }
    long[] in = floatShape(file, INPUT, inputs.get(INPUT));
    if (in.length != 4 || in[0] >= 0 || in[1] != 3 || in[2] <= 0 || in[2] != in[3]) {
      throw new ModelLoadException(
          file
              + ": input '"
              + INPUT
              + "' has shape "
              + Arrays.toString(in)
              + ", expected [batch, 3, S, S] with a dynamic batch");
    }
    long[] anchors = floatShape(file, ANCHORS, outputs.get(ANCHORS));
    if (anchors.length != 2 || anchors[0] <= 0 || anchors[1] != 4) {
      throw new ModelLoadException(
          file
              + ": output '"
              + ANCHORS
              + "' has shape "
              + Arrays.toString(anchors)
              + ", expected [N, 4]");
    }
    long n = anchors[0];
    long[] enc = floatShape(file, BOX_ENCODINGS, outputs.get(BOX_ENCODINGS));
    if (enc.length != 3 || enc[0] >= 0 || enc[1] != n || enc[2] != 4) {
      throw new ModelLoadException(
          file
              + ": output '"
              + BOX_ENCODINGS
              + "' has shape "
              + Arrays.toString(enc)
              + ", expected [batch, "
              + n
              + ", 4]");
    }
    long[] logits = floatShape(file, CLASS_LOGITS, outputs.get(CLASS_LOGITS));
    if (logits.length != 2 || logits[0] >= 0 || logits[1] != n) {
      throw new ModelLoadException(
          file
              + ": output '"
              + CLASS_LOGITS
              + "' has shape "
              + Arrays.toString(logits)
              + ", expected [batch, "
              + n
              + "]");
    }
    return new int[] {Math.toIntExact(in[2]), Math.toIntExact(n)};
  }

  private static long[] floatShape(Path file, String name, NodeInfo info) {
    if (!(info.getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT) {
      throw new ModelLoadException(
          file + ": '" + name + "' must be a float tensor, is " + info.getInfo());
    }
    return t.getShape();
  }

  private static SsdDecoder readAnchors(
      Path file, OrtEnvironment env, OrtSession session, int size, int count) throws OrtException {
    long[] shape = {1, 3, size, size};
    try (OnnxTensor blank =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[3 * size * size]), shape);
        OrtSession.Result result = session.run(Map.of(INPUT, blank))) {
      SsdDecoder decoder = new SsdDecoder(floats(result, ANCHORS, new long[] {count, 4}));
      // the blank image must decode without error, or no real one will
      decoder.faces(
          floats(result, BOX_ENCODINGS, new long[] {1, count, 4}),
          floats(result, CLASS_LOGITS, new long[] {1, count}),
          0,
          new Letterbox(size, size, size),
          FaceDetectorOptions.defaults());
      return decoder;
    } catch (InferenceException | FaceDetectionException | IllegalArgumentException e) {
      throw new ModelLoadException(file + ": " + e.getMessage(), e);
    }
  }

  private static float[] floats(OrtSession.Result result, String name, long[] expected) {
    Optional<OnnxValue> value = result.get(name);
    if (value.isEmpty() || !(value.get() instanceof OnnxTensor t)) {
      throw new InferenceException("detector returned no tensor '" + name + "'");
    }
    long[] got = t.getInfo().getShape();
    if (!Arrays.equals(got, expected)) {
      throw new InferenceException(
          "detector output '"
              + name
              + "' has shape "
              + Arrays.toString(got)
              + ", expected "
              + Arrays.toString(expected));
    }
    FloatBuffer fb = t.getFloatBuffer();
    float[] out = new float[fb.remaining()];
    fb.get(out);
    return out;
  }

  /** The device the session runs on: {@code cpu} or {@code cuda:N}. */
  public String device() {
    return device;
  }

  /** Side of the square network input in pixels. */
  public int inputSize() {
    return size;
  }

  /** Minimum score and maximum faces this detector applies. */
  public FaceDetectorOptions options() {
    return detectorOptions;
  }

  @Override
  public List<List<FaceBox>> detect(List<RawImage> images) {
    if (images == null || images.isEmpty()) {
      throw new IllegalArgumentException("no images to detect faces in");
    }
    List<List<FaceBox>> out = new ArrayList<>(images.size());
    for (int from = 0; from < images.size(); from += MAX_BATCH) {
      out.addAll(run(images.subList(from, Math.min(images.size(), from + MAX_BATCH))));
    }
    return List.copyOf(out);
  }

  private List<List<FaceBox>> run(List<RawImage> batch) {
    int b = batch.size();
    int n = decoder.anchorCount();
    Letterbox[] frames = new Letterbox[b];
    float[] input = new float[b * 3 * size * size];
    for (int i = 0; i < b; i++) {
      frames[i] = Letterbox.of(batch.get(i), size);
      frames[i].toTensor(batch.get(i), input, i * frames[i].tensorSize());
    }
    float[] encodings;
    float[] logits;
    try (OnnxTensor tensor =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {b, 3, size, size});
        OrtSession.Result result =
            session.run(Map.of(INPUT, tensor), Set.of(BOX_ENCODINGS, CLASS_LOGITS))) {
      encodings = floats(result, BOX_ENCODINGS, new long[] {b, n, 4});
      logits = floats(result, CLASS_LOGITS, new long[] {b, n});
    } catch (OrtException e) {
      throw new InferenceException(
          "face detection failed for a batch of " + b + ": " + e.getMessage(), e);
    }
    List<List<FaceBox>> faces = new ArrayList<>(b);
    for (int i = 0; i < b; i++) {
      faces.add(decoder.faces(encodings, logits, i, frames[i], detectorOptions));
    }
    return faces;
  }

  @Override
  public void close() {
    OrtSessions.close(session, options);
  }
}
