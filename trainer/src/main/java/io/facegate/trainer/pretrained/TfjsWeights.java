package io.facegate.trainer.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The weights of a TF.js model, read from its weights manifest and binary shards and decoded as
 * tfjs-core's {@code io.decodeWeights} does: {@code uint8}/{@code uint16} quantised values become
 * {@code q * scale + min} (computed in double, stored as float32, as a JS {@code Float32Array}
 * assignment does; rounded with {@code Math.round} for int32), {@code float16} is widened
 * bit-exactly, {@code float32} and {@code int32} are read as they are. All data is little-endian.
 *
 * <p>Both manifest forms are read: the layers model's {@code *-weights_manifest.json} (a JSON array
 * of groups) and the graph model's {@code weightsManifest} inside {@code model.json}. Each group's
 * shards ({@code paths}, relative to the manifest's folder) are concatenated in order and must hold
 * exactly the bytes its weights need, no more, no less.
 *
 * <p>Strict, because a face model with a corrupt weight would still produce numbers: a wrong shard
 * size, a duplicate name, an unknown dtype or any non-finite dequantised weight is a {@link
 * TfjsFormatException} naming the file and weight.
 */
public final class TfjsWeights {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, TfjsWeight> byName;

  private TfjsWeights(Map<String, TfjsWeight> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /**
   * Reads a layers model's weights manifest ({@code *-weights_manifest.json}, a JSON array of
   * groups) and its shards from the same folder.
   *
   * @throws IOException when a file cannot be read
   * @throws TfjsFormatException when the manifest or a shard is malformed
   */
  public static TfjsWeights readManifest(Path manifestFile) throws IOException {
    return read(
        parse(manifestFile), manifestFile.toAbsolutePath().getParent(), manifestFile.toString());
  }

  /**
   * Reads the {@code weightsManifest} of a graph model's {@code model.json} and its shards from the
   * same folder.
   *
   * @throws IOException when a file cannot be read
   * @throws TfjsFormatException when the manifest or a shard is malformed
   */
  public static TfjsWeights readGraphModel(Path modelJson) throws IOException {
    JsonNode manifest = parse(modelJson).get("weightsManifest");
    if (manifest == null) {
      throw new TfjsFormatException(modelJson + ": no weightsManifest");
    }
    return read(manifest, modelJson.toAbsolutePath().getParent(), modelJson.toString());
  }

  /**
   * Reads weights described by manifest groups, with shard paths relative to {@code directory}.
   *
   * @param groups the JSON array of {@code {paths, weights}} groups
   * @param directory the folder the shard paths are relative to
   * @param source names the manifest in error messages
   * @throws IOException when a shard cannot be read
   * @throws TfjsFormatException when the manifest or a shard is malformed
   */
  public static TfjsWeights read(JsonNode groups, Path directory, String source)
      throws IOException {
    if (groups == null || !groups.isArray()) {
      throw new TfjsFormatException(
          source + ": the weights manifest must be a JSON array of groups");
    }
    Map<String, TfjsWeight> out = new LinkedHashMap<>();
    for (int g = 0; g < groups.size(); g++) {
      JsonNode group = groups.get(g);
      List<Spec> specs = new ArrayList<>();
      long needed = 0;
      for (JsonNode w : array(group, "weights", source + " group " + g)) {
        Spec spec = Spec.of(w, source);
        needed = Math.addExact(needed, spec.byteLength());
        specs.add(spec);
      }
      ByteBuffer data =
          shards(
              array(group, "paths", source + " group " + g),
              directory,
              needed,
              source + " group " + g);
      for (Spec spec : specs) {
        TfjsWeight weight = spec.decode(data);
        if (out.putIfAbsent(weight.name(), weight) != null) {
          throw new TfjsFormatException(source + ": weight " + weight.name() + " appears twice");
        }
      }
    }
    return new TfjsWeights(out);
  }

  /** The weight of this name, if there is one. */
  public Optional<TfjsWeight> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * The weight of this name.
   *
   * @throws TfjsFormatException when there is none
   */
  public TfjsWeight get(String name) {
    TfjsWeight w = byName.get(name);
    if (w == null) {
      throw new TfjsFormatException("no weight named " + name);
    }
    return w;
  }

  /** All weights, in manifest order. */
  public List<TfjsWeight> all() {
    return List.copyOf(byName.values());
  }

  /** All weight names, in manifest order. */
  public Set<String> names() {
    return byName.keySet();
  }

  private static JsonNode parse(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return JSON.readTree(in);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new TfjsFormatException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static JsonNode array(JsonNode parent, String field, String where) {
    JsonNode node = parent == null ? null : parent.get(field);
    if (node == null || !node.isArray()) {
      throw new TfjsFormatException(where + ": '" + field + "' must be an array");
    }
    return node;
  }

  /**
   * Concatenates a group's shards after checking, before reading, that they hold exactly {@code
   * needed} bytes.
   */
  private static ByteBuffer shards(JsonNode paths, Path directory, long needed, String where)
      throws IOException {
    Path base = directory.toAbsolutePath().normalize();
    List<Path> files = new ArrayList<>();
    long total = 0;
    for (JsonNode p : paths) {
      if (!p.isTextual() || p.asText().isEmpty()) {
        throw new TfjsFormatException(where + ": shard paths must be non-empty strings");
      }
      Path file = base.resolve(p.asText()).normalize();
      // a manifest must not make us read outside its own folder
      if (!file.startsWith(base) || Path.of(p.asText()).isAbsolute()) {
        throw new TfjsFormatException(
            where + ": shard path " + p.asText() + " leaves the model folder");
      }
      if (!Files.isRegularFile(file)) {
        throw new TfjsFormatException(where + ": shard " + file + " does not exist");
      }
      total = Math.addExact(total, Files.size(file));
      files.add(file);
    }
    if (total != needed) {
      throw new TfjsFormatException(
          where
              + ": shards "
              + paths
              + " hold "
              + total
              + " bytes, the manifest's weights need "
              + needed);
    }
    if (needed > Integer.MAX_VALUE - 8) {
      throw new TfjsFormatException(
          where + ": " + needed + " bytes of weights in one group is more than supported");
    }
    ByteBuffer data = ByteBuffer.allocate((int) needed).order(ByteOrder.LITTLE_ENDIAN);
    for (Path file : files) {
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length > data.remaining()) {
        throw new TfjsFormatException(where + ": shard " + file + " changed while it was read");
      }
      data.put(bytes);
    }
    if (data.hasRemaining()) {
      throw new TfjsFormatException(where + ": shards changed while they were read");
    }
    return data.flip();
  }

  /** How a weight is stored in the shard. */
  private enum Storage {
    FLOAT32(4),
    INT32(4),
    UINT8(1),
    UINT16(2),
    FLOAT16(2);

    final int bytes;

    Storage(int bytes) {
      this.bytes = bytes;
    }
  }

  private record Spec(
      String name,
      int[] shape,
      TfjsWeight.Dtype dtype,
      Storage storage,
      double scale,
      double min,
      long count,
      String source) {

    static Spec of(JsonNode w, String source) {
      JsonNode nameNode = w.get("name");
      if (nameNode == null || !nameNode.isTextual()) {
        throw new TfjsFormatException(source + ": a weight has no name");
      }
      String name = nameNode.asText();
      JsonNode shapeNode = w.get("shape");
      if (shapeNode == null || !shapeNode.isArray()) {
        throw new TfjsFormatException(source + ": weight " + name + " has no shape");
      }
      int[] shape = new int[shapeNode.size()];
      for (int i = 0; i < shape.length; i++) {
        if (!shapeNode.get(i).canConvertToInt()) {
          throw new TfjsFormatException(
              source + ": weight " + name + " has a non-integer dimension");
        }
        shape[i] = shapeNode.get(i).asInt();
      }
      long count = TfjsWeight.elementCount(name, shape);
      String dtypeText = w.path("dtype").asText("");
      TfjsWeight.Dtype dtype =
          switch (dtypeText) {
            case "float32" -> TfjsWeight.Dtype.FLOAT32;
            case "int32" -> TfjsWeight.Dtype.INT32;
            default ->
                throw new TfjsFormatException(
                    source + ": weight " + name + " has unsupported dtype '" + dtypeText + "'");
          };
      JsonNode q = w.get("quantization");
      if (q == null) {
        Storage storage = dtype == TfjsWeight.Dtype.FLOAT32 ? Storage.FLOAT32 : Storage.INT32;
        return new Spec(name, shape, dtype, storage, Double.NaN, Double.NaN, count, source);
      }
      String qType = q.path("dtype").asText("");
      switch (qType) {
        case "uint8", "uint16" -> {
          JsonNode scale = q.get("scale");
          JsonNode min = q.get("min");
          if (scale == null || !scale.isNumber() || min == null || !min.isNumber()) {
            throw new TfjsFormatException(
                source
                    + ": weight "
                    + name
                    + " is "
                    + qType
                    + "-quantised without numeric min and scale");
          }
          return new Spec(
              name,
              shape,
              dtype,
              qType.equals("uint8") ? Storage.UINT8 : Storage.UINT16,
              scale.asDouble(),
              min.asDouble(),
              count,
              source);
        }
        case "float16" -> {
          if (dtype != TfjsWeight.Dtype.FLOAT32) {
            throw new TfjsFormatException(
                source + ": weight " + name + " is float16-quantised but has dtype " + dtypeText);
          }
          return new Spec(
              name, shape, dtype, Storage.FLOAT16, Double.NaN, Double.NaN, count, source);
        }
        default ->
            throw new TfjsFormatException(
                source + ": weight " + name + " has unsupported quantization '" + qType + "'");
      }
    }

    long byteLength() {
      return count * storage.bytes;
    }

    TfjsWeight decode(ByteBuffer data) {
      int n = (int) count;
      if (dtype == TfjsWeight.Dtype.INT32) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
          v[i] =
              switch (storage) {
                case INT32 -> data.getInt();
                case UINT8, UINT16 -> roundToInt(dequantize(next(data)), i);
                default -> throw new IllegalStateException(storage.name());
              };
        }
        return new TfjsWeight(name, shape, dtype, null, v);
      }
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        float f =
            switch (storage) {
              case FLOAT32 -> data.getFloat();
              case FLOAT16 -> Float16.toFloat(Short.toUnsignedInt(data.getShort()));
              case UINT8, UINT16 -> (float) dequantize(next(data));
              default -> throw new IllegalStateException(storage.name());
            };
        if (!Float.isFinite(f)) {
          throw new TfjsFormatException(
              source + ": weight " + name + " holds a non-finite value (" + f + ") at index " + i);
        }
        v[i] = f;
      }
      return new TfjsWeight(name, shape, dtype, v, null);
    }

    private int next(ByteBuffer data) {
      return storage == Storage.UINT8
          ? Byte.toUnsignedInt(data.get())
          : Short.toUnsignedInt(data.getShort());
    }

    private double dequantize(int q) {
      return q * scale + min;
    }

    private int roundToInt(double value, int index) {
      // JS Math.round and Java Math.round agree: floor(x + 0.5)
      if (!Double.isFinite(value) || value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
        throw new TfjsFormatException(
            source
                + ": weight "
                + name
                + " dequantises to "
                + value
                + " at index "
                + index
                + ", not an int32");
      }
      return (int) Math.round(value);
    }
  }
}
