package io.facegate.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  @Test
  void sumsAMetricsSamplesOverTheirLabels() {
    PrometheusText m =
        PrometheusText.parse(
            """
                # HELP facegate_decisions_total Decisions by outcome and reason.
                # TYPE facegate_decisions_total counter
                facegate_decisions_total{outcome="GRANTED",reason="MATCH"} 12
                facegate_decisions_total{outcome="DENIED",reason="NO_MATCH"} 3.5e1
                facegate_gallery_identities 40
                facegate_events_total{ } 7 1700000000000
                """);

    assertEquals(47.0, m.value("facegate_decisions_total"));
    assertEquals(40.0, m.value("facegate_gallery_identities"));
    assertEquals(7.0, m.value("facegate_events_total"), "an empty label set and a timestamp");
    assertNull(m.value("facegate_dead_letters_total"));
    assertNull(m.modelVersion());
  }

  @Test
  void readsTheModelVersionWithItsEscapesAndAnyCharacterInside() {
    PrometheusText m =
        PrometheusText.parse(
            "facegate_model_info{device=\"cpu\",model_version=\"v2 \\\"final\\\" {a,b} c:\\\\d\\nx\"} 1\n");

    assertEquals("v2 \"final\" {a,b} c:\\d\nx", m.modelVersion());
    assertEquals(1.0, m.value("facegate_model_info"));
  }

  @Test
  void readsNanAndInfinities() {
    PrometheusText m =
        PrometheusText.parse(
            """
                a NaN
                b +Inf
                c -Inf
                d{le="+Inf"} 3
                """);

    assertTrue(m.value("a").isNaN());
    assertEquals(Double.POSITIVE_INFINITY, m.value("b"));
    assertEquals(Double.NEGATIVE_INFINITY, m.value("c"));
    assertEquals(3.0, m.value("d"));
  }

  @Test
  void acceptsWindowsLineEndsAndTabs() {
    PrometheusText m = PrometheusText.parse("a 1\r\nb{x=\"y\"}\t2\r\n");

    assertEquals(Map.of("a", 1.0, "b", 2.0), m.values());
  }

  @Test
  void skipsMalformedLinesAndKeepsTheRest() {
    String[] bad = {
      "no_value",
      "no_value{a=\"b\"}",
      "1starts_with_digit 1",
      "bad_value 12abc",
      "java_suffix 1d",
      "hex 0x10",
      "spelled Infinity",
      "unclosed{a=\"b\" 1",
      "unquoted{a=b} 1",
      "unterminated{a=\"b} 1",
      "dangling_escape{a=\"b\\",
      "no_space_after{a=\"b\"}1",
      "bad_label{1a=\"b\"} 1",
      "missing_equals{a \"b\"} 1",
      "trailing_comma_only{,} 1",
      "{a=\"b\"} 1",
      "facegate_model_info{model_version=\"v9\"} oops",
      "\u0000\uffff garbage",
      "",
      "#",
    };
    StringBuilder text = new StringBuilder("good 1\n");
    for (String line : bad) {
      text.append(line).append('\n');
    }
    text.append("facegate_model_info{model_version=\"v1\"} 1\ngood 2");

    PrometheusText m = PrometheusText.parse(text.toString());

    assertEquals(Map.of("good", 3.0, "facegate_model_info", 1.0), m.values());
    assertEquals("v1", m.modelVersion());
  }

  @Test
  void neverThrowsOnArbitraryText() {
    java.util.Random random = new java.util.Random(7);
    String alphabet = "ab_:{}=\",\\ \t\n#+-.eE0123456789NaInf";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder();
      int n = random.nextInt(40);
      for (int j = 0; j < n; j++) {
        s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      PrometheusText.parse(s.toString());
    }
  }
}
