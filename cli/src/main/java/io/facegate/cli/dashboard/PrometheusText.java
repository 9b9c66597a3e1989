package io.facegate.cli.dashboard;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The few samples the dashboard reads from a processor's Prometheus text exposition. */
record PrometheusText(Map<String, Double> values, String modelVersion) {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)");
    private static final Pattern MODEL_VERSION = Pattern.compile("model_version=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * Sums each metric's samples over their labels (e.g. decisions over outcome and reason) and
     * takes the model version from {@code facegate_model_info}.
     */
    static PrometheusText parse(String text) {
        Map<String, Double> values = new LinkedHashMap<>();
        String model = null;
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.find()) {
                continue;
            }
            double v;
            try {
                v = Double.parseDouble(m.group(3));
            } catch (NumberFormatException e) {
                continue;
            }
            values.merge(m.group(1), v, Double::sum);
            if (m.group(1).equals("facegate_model_info") && m.group(2) != null) {
                Matcher mv = MODEL_VERSION.matcher(m.group(2));
                if (mv.find()) {
                    model = mv.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
                }
            }
        }
        return new PrometheusText(values, model);
    }

    /** @return the metric's value (summed over labels), or null when absent */
    Double value(String name) {
        return values.get(name);
    }
}
