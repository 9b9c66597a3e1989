package io.facegate.trainer.pretrained;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Writes a TF.js layers-model weights manifest and its float32 shard with seeded random values, the
 * way face-api's files are laid out, so graph builders can be tested where the real weights are
 * absent. Keeps the values so a reference forward pass can use them.
 */
final class RandomTfjsModel {

  private final Random random;
  private final Map<String, int[]> shapes = new LinkedHashMap<>();
  private final Map<String, float[]> values = new LinkedHashMap<>();

  RandomTfjsModel(long seed) {
    this.random = new Random(seed);
  }

  /** Adds a weight of uniform values in {@code [centre - spread, centre + spread]}. */
  float[] add(String name, float centre, float spread, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = centre + spread * (2 * random.nextFloat() - 1);
    }
    shapes.put(name, shape.clone());
    values.put(name, v);
    return v;
  }

  /**
   * Adds a convolution or dense weight scaled by 1 / sqrt(fan-in), so activations stay of order
   * one.
   */
  float[] addKernel(String name, int fanIn, int... shape) {
    return add(name, 0f, (float) (1.5 / Math.sqrt(fanIn)), shape);
  }

  float[] get(String name) {
    return values.get(name);
  }

  /**
   * Writes {@code NAME-weights_manifest.json} and {@code NAME.bin} into {@code dir}; returns the
   * manifest.
   */
  Path write(Path dir, String name) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ArrayNode weights = json.createArrayNode();
    int floats = 0;
    for (Map.Entry<String, int[]> e : shapes.entrySet()) {
      ObjectNode w = weights.addObject().put("name", e.getKey()).put("dtype", "float32");
      ArrayNode shape = w.putArray("shape");
      for (int d : e.getValue()) {
        shape.add(d);
      }
      floats += values.get(e.getKey()).length;
    }
    ByteBuffer bin = ByteBuffer.allocate(floats * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] v : values.values()) {
      for (float f : v) {
        bin.putFloat(f);
      }
    }
    Files.write(dir.resolve(name + ".bin"), bin.array());
    ArrayNode groups = json.createArrayNode();
    ObjectNode group = groups.addObject();
    group.putArray("paths").add(name + ".bin");
    group.set("weights", weights);
    Path manifest = dir.resolve(name + "-weights_manifest.json");
    json.writeValue(manifest.toFile(), groups);
    return manifest;
  }
}
