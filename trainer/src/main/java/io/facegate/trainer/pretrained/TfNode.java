package io.facegate.trainer.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * One node of a TF.js graph model's {@code modelTopology} (a TensorFlow {@code GraphDef} written as
 * JSON): its name, op, data inputs and attributes, with the attribute encodings of that JSON
 * decoded (strings are base64, integers are decimal strings).
 *
 * @param name the node's unique name; also the name of its (first) output tensor
 * @param op the TF op type
 * @param inputs names of the nodes whose first output feeds this one, in order (control inputs
 *     dropped)
 * @param attr the raw {@code attr} object
 */
public record TfNode(String name, String op, List<String> inputs, JsonNode attr) {

  /** Copies the inputs. */
  public TfNode {
    inputs = List.copyOf(inputs);
  }

  /**
   * Reads a node; inputs {@code x:0} become {@code x}, control inputs {@code ^x} are dropped.
   *
   * @throws TfjsFormatException for a node without name or op, or reading an output other than the
   *     first
   */
  public static TfNode of(JsonNode json) {
    String name = json.path("name").asText("");
    String op = json.path("op").asText("");
    if (name.isEmpty() || op.isEmpty()) {
      throw new TfjsFormatException("a graph node has no name or op: " + json);
    }
    List<String> inputs = new ArrayList<>();
    for (JsonNode in : json.path("input")) {
      String s = in.asText();
      if (s.startsWith("^")) {
        continue;
      }
      int colon = s.lastIndexOf(':');
      if (colon > 0) {
        if (!s.substring(colon + 1).equals("0")) {
          throw new TfjsFormatException(
              "node "
                  + name
                  + " ("
                  + op
                  + ") reads output "
                  + s
                  + "; only single-output nodes are supported");
        }
        s = s.substring(0, colon);
      }
      inputs.add(s);
    }
    return new TfNode(name, op, inputs, json.path("attr"));
  }

  /** A string attribute ({@code padding}, {@code data_format}). */
  public Optional<String> string(String key) {
    JsonNode s = attr.path(key).get("s");
    return s == null
        ? Optional.empty()
        : Optional.of(new String(Base64.getDecoder().decode(s.asText()), StandardCharsets.UTF_8));
  }

  /** An integer-list attribute ({@code strides}, {@code ksize}); empty when absent. */
  public long[] ints(String key) {
    JsonNode list = attr.path(key).path("list").path("i");
    long[] out = new long[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = parseLong(key, list.get(i).asText());
    }
    return out;
  }

  /** A string-list attribute ({@code fused_ops}); empty when absent. */
  public List<String> strings(String key) {
    List<String> out = new ArrayList<>();
    for (JsonNode s : attr.path(key).path("list").path("s")) {
      out.add(new String(Base64.getDecoder().decode(s.asText()), StandardCharsets.UTF_8));
    }
    return out;
  }

  /** A boolean attribute, or {@code otherwise} when absent. */
  public boolean bool(String key, boolean otherwise) {
    JsonNode b = attr.path(key).get("b");
    return b == null ? otherwise : b.asBoolean();
  }

  /** An integer attribute, or {@code otherwise} when absent. */
  public long integer(String key, long otherwise) {
    JsonNode i = attr.path(key).get("i");
    return i == null ? otherwise : parseLong(key, i.asText());
  }

  /** The {@code shape} attribute of a Placeholder: dims, -1 for unknown; empty when absent. */
  public long[] shape() {
    JsonNode dims = attr.path("shape").path("shape").path("dim");
    long[] out = new long[dims.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = parseLong("shape", dims.get(i).path("size").asText("-1"));
    }
    return out;
  }

  private long parseLong(String key, String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new TfjsFormatException(
          "node " + name + ": attribute " + key + " holds " + text + ", not an integer");
    }
  }
}
