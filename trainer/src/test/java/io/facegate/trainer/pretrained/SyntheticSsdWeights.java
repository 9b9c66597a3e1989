package io.facegate.trainer.pretrained;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * face-api's SSD MobileNetV1 weights with face-api's names and shapes, every value zero (anchors
 * included), written as {@link SsdMobilenetv1Graph#MANIFEST} into a stand-in package: enough for
 * importers that build the detector beside a model. The network's wiring is tested with informative
 * weights in {@code SsdMobilenetv1GraphTest}.
 */
final class SyntheticSsdWeights {
  /** The weights shard the manifest names, relative to the package. */
  static final String WEIGHTS_FILE = "model/ssd_mobilenetv1_model.bin";

  private final ObjectMapper json = new ObjectMapper();
  private final ArrayNode specs = json.createArrayNode();
  private final ByteArrayOutputStream shard = new ByteArrayOutputStream();

  private SyntheticSsdWeights() {}

  /**
   * Writes the manifest and its shard below {@code pkgDir}.
   *
   * @return the two files, relative to {@code pkgDir}, with their SHA-256 (a cache's index)
   */
  static Map<String, String> write(Path pkgDir) throws IOException {
    new SyntheticSsdWeights().writeTo(pkgDir);
    Map<String, String> sha = new TreeMap<>();
    for (String f : new String[] {SsdMobilenetv1Graph.MANIFEST, WEIGHTS_FILE}) {
      sha.put(f, PretrainedFetch.sha256(pkgDir.resolve(f)));
    }
    return sha;
  }

  private void zeros(String name, int... shape) {
    ObjectNode w = specs.addObject().put("name", name).put("dtype", "float32");
    ArrayNode s = w.putArray("shape");
    int n = 1;
    for (int d : shape) {
      s.add(d);
      n *= d;
    }
    w.putObject("quantization").put("dtype", "uint8").put("scale", 1.0).put("min", 0.0);
    shard.writeBytes(new byte[n]);
  }

  private void writeTo(Path pkgDir) throws IOException {
    int[] channels = {32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024};
    zeros("MobilenetV1/Conv2d_0_pointwise/weights", 3, 3, 3, 32);
    zeros("MobilenetV1/Conv2d_0_pointwise/convolution_bn_offset", 32);
    for (int i = 1; i <= 13; i++) {
      String d = "MobilenetV1/Conv2d_" + i + "_depthwise/";
      int c = channels[i - 1];
      zeros(d + "depthwise_weights", 3, 3, c, 1);
      for (String bn : new String[] {"gamma", "beta", "moving_mean", "moving_variance"}) {
        zeros(d + "BatchNorm/" + bn, c);
      }
      zeros("MobilenetV1/Conv2d_" + i + "_pointwise/weights", 1, 1, c, channels[i]);
      zeros("MobilenetV1/Conv2d_" + i + "_pointwise/convolution_bn_offset", channels[i]);
    }
    int[][] prediction = {
      {1024, 256, 1},
      {256, 512, 3},
      {512, 128, 1},
      {128, 256, 3},
      {256, 128, 1},
      {128, 256, 3},
      {256, 64, 1},
      {64, 128, 3}
    };
    for (int i = 0; i < prediction.length; i++) {
      int[] p = prediction[i];
      zeros("Prediction/Conv2d_" + i + "_pointwise/weights", p[2], p[2], p[0], p[1]);
      zeros("Prediction/Conv2d_" + i + "_pointwise/convolution_bn_offset", p[1]);
    }
    int[] anchorsPerCell = {3, 6, 6, 6, 6, 6};
    int[] inputs = {512, 1024, 512, 256, 256, 128};
    for (int k = 0; k < anchorsPerCell.length; k++) {
      int a = anchorsPerCell[k];
      String p = "Prediction/BoxPredictor_" + k + "/";
      zeros(p + "BoxEncodingPredictor/weights", 1, 1, inputs[k], 4 * a);
      zeros(p + "BoxEncodingPredictor/biases", 4 * a);
      zeros(p + "ClassPredictor/weights", 1, 1, inputs[k], 3 * a);
      zeros(p + "ClassPredictor/biases", 3 * a);
    }
    zeros("Output/extra_dim", 1, SsdMobilenetv1Graph.ANCHOR_COUNT, 4);
    ArrayNode manifest = json.createArrayNode();
    ObjectNode group = manifest.addObject();
    group.putArray("paths").add(Path.of(WEIGHTS_FILE).getFileName().toString());
    group.set("weights", specs);
    Path m = pkgDir.resolve(SsdMobilenetv1Graph.MANIFEST);
    Files.createDirectories(m.getParent());
    Files.write(pkgDir.resolve(WEIGHTS_FILE), shard.toByteArray());
    json.writeValue(m.toFile(), manifest);
  }
}
