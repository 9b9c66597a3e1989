package io.facegate.cli.dashboard;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The few samples the dashboard reads from a processor's Prometheus text exposition (format 0.0.4).
 * Lenient by design: a line it cannot read is skipped, never thrown, so that one odd metric cannot
 * hide a processor's health.
 */
record PrometheusText(Map<String, Double> values, String modelVersion) {

  private static final Pattern NUMBER =
      Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

  /**
   * Sums each metric's samples over their labels (e.g. decisions over outcome and reason) and takes
   * the model version from {@code facegate_model_info}.
   */
  static PrometheusText parse(String text) {
    Map<String, Double> values = new LinkedHashMap<>();
    String model = null;
    for (String line : text.split("\n")) {
      Sample s = Sample.read(line);
      if (s == null) {
        continue;
      }
      values.merge(s.name, s.value, Double::sum);
      if (s.name.equals("facegate_model_info") && s.labels.containsKey("model_version")) {
        model = s.labels.get("model_version");
      }
    }
    return new PrometheusText(values, model);
  }

  /**
   * @return the metric's value (summed over labels; NaN or infinite if a sample was), or null when
   *     absent
   */
  Double value(String name) {
    return values.get(name);
  }

  /** {@code name{label="value",...} value [timestamp]}; a small cursor over one line. */
  private static final class Sample {
    private final String line;
    private int at;
    private String name;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private double value;

    private Sample(String line) {
      this.line = line;
    }

    /**
     * @return the sample, or null for a comment, a blank or a malformed line
     */
    static Sample read(String line) {
      Sample s = new Sample(line.strip());
      return s.line.isEmpty() || s.line.charAt(0) == '#' || !s.parse() ? null : s;
    }

    private boolean parse() {
      name = identifier(true);
      if (name == null) {
        return false;
      }
      if (peek() == '{' && !labels()) {
        return false;
      }
      if (!Character.isWhitespace(peek())) {
        return false;
      }
      skipSpaces();
      int start = at;
      while (at < line.length() && !Character.isWhitespace(line.charAt(at))) {
        at++;
      }
      Double v = number(line.substring(start, at));
      if (v == null) {
        return false;
      }
      value = v;
      return true;
    }

    private boolean labels() {
      at++;
      skipSpaces();
      while (peek() != '}') {
        String label = identifier(false);
        skipSpaces();
        if (label == null || peek() != '=') {
          return false;
        }
        at++;
        skipSpaces();
        String v = quoted();
        if (v == null) {
          return false;
        }
        labels.put(label, v);
        skipSpaces();
        if (peek() == ',') {
          at++;
          skipSpaces();
        } else if (peek() != '}') {
          return false;
        }
      }
      at++;
      return true;
    }

    /** A label value: {@code \\}, {@code \"} and {@code \n} are its escapes. */
    private String quoted() {
      if (peek() != '"') {
        return null;
      }
      at++;
      StringBuilder v = new StringBuilder();
      while (at < line.length()) {
        char c = line.charAt(at++);
        if (c == '"') {
          return v.toString();
        }
        if (c == '\\') {
          if (at == line.length()) {
            return null;
          }
          char e = line.charAt(at++);
          v.append(e == 'n' ? '\n' : e);
        } else {
          v.append(c);
        }
      }
      return null;
    }

    private String identifier(boolean metric) {
      int start = at;
      while (at < line.length()) {
        char c = line.charAt(at);
        boolean ok =
            c == '_'
                || (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (metric && c == ':')
                || (at > start && c >= '0' && c <= '9');
        if (!ok) {
          break;
        }
        at++;
      }
      return at > start ? line.substring(start, at) : null;
    }

    private static Double number(String token) {
      switch (token) {
        case "NaN":
          return Double.NaN;
        case "+Inf":
          return Double.POSITIVE_INFINITY;
        case "-Inf":
          return Double.NEGATIVE_INFINITY;
        default:
          return NUMBER.matcher(token).matches() ? Double.parseDouble(token) : null;
      }
    }

    private char peek() {
      return at < line.length() ? line.charAt(at) : '\0';
    }

    private void skipSpaces() {
      while (at < line.length() && (line.charAt(at) == ' ' || line.charAt(at) == '\t')) {
        at++;
      }
    }
  }
}
