package io.facegate.trainer.pretrained;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/**
 * Writes a small TF.js graph model for tests: topology JSON with its weights manifest, and the
 * float/int consts in one little-endian float32/int32 shard, attributes encoded as TF.js writes
 * them.
 */
final class TfjsGraphFixture {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ArrayNode nodes = JSON.createArrayNode();
  private final ArrayNode weights = JSON.createArrayNode();
  private final ByteBuffer shard = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);

  TfjsGraphFixture placeholder(String name, int... shape) {
    ObjectNode n = node(name, "Placeholder");
    ArrayNode dims = n.with("attr").with("shape").with("shape").putArray("dim");
    for (int d : shape) {
      dims.addObject().put("size", Integer.toString(d));
    }
    return this;
  }

  TfjsGraphFixture floats(String name, float[] values, int... shape) {
    node(name, "Const");
    spec(name, "float32", shape);
    for (float v : values) {
      shard.putFloat(v);
    }
    return this;
  }

  TfjsGraphFixture ints(String name, int[] values, int... shape) {
    node(name, "Const");
    spec(name, "int32", shape);
    for (int v : values) {
      shard.putInt(v);
    }
    return this;
  }

  private void spec(String name, String dtype, int[] shape) {
    ObjectNode s = weights.addObject().put("name", name).put("dtype", dtype);
    ArrayNode dims = s.putArray("shape");
    for (int d : shape) {
      dims.add(d);
    }
  }

  ObjectNode node(String name, String op, String... inputs) {
    ObjectNode n = nodes.addObject().put("name", name).put("op", op);
    ArrayNode in = n.putArray("input");
    for (String i : inputs) {
      in.add(i);
    }
    n.putObject("attr");
    return n;
  }

  /** Writes {@code model.json} and {@code model.bin} into {@code dir}. */
  Path write(Path dir) throws IOException {
    return write(dir, "model");
  }

  /** Writes {@code NAME.json} and {@code NAME.bin} into {@code dir}. */
  Path write(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve(name + ".bin"), Arrays.copyOf(shard.array(), shard.position()));
    ObjectNode root = JSON.createObjectNode().put("format", "graph-model");
    root.putObject("modelTopology").set("node", nodes);
    ObjectNode group = root.putArray("weightsManifest").addObject();
    group.putArray("paths").add(name + ".bin");
    group.set("weights", weights);
    return Files.writeString(dir.resolve(name + ".json"), root.toString(), StandardCharsets.UTF_8);
  }

  static void ints(ObjectNode node, String key, long... values) {
    ArrayNode list = node.with("attr").with(key).with("list").putArray("i");
    for (long v : values) {
      list.add(Long.toString(v));
    }
  }

  static void string(ObjectNode node, String key, String value) {
    node.with("attr")
        .with(key)
        .put("s", Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
  }

  static void strings(ObjectNode node, String key, String... values) {
    ArrayNode list = node.with("attr").with(key).with("list").putArray("s");
    for (String v : values) {
      list.add(Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)));
    }
  }

  static void bool(ObjectNode node, String key, boolean value) {
    node.with("attr").with(key).put("b", value);
  }

  static void convAttrs(ObjectNode n, int stride, String padding) {
    ints(n, "strides", 1, stride, stride, 1);
    ints(n, "dilations", 1, 1, 1, 1);
    string(n, "padding", padding);
    string(n, "data_format", "NHWC");
  }
}
