package io.facegate.trainer.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LivenessSurveyTest {

  @Test
  void falseRejectRateCountsScoresBelowTheThresholdAndNanAsRejected() {
    LivenessSurvey.Summary s =
        new LivenessSurvey.Summary("set", new float[] {0.1f, 0.5f, 0.9f, Float.NaN}, 2);
    assertEquals(0.25, s.falseRejectRate(0.0), 1e-12, "only the NaN");
    assertEquals(0.25, s.falseRejectRate(0.1), 1e-12, "at the threshold is live");
    assertEquals(0.5, s.falseRejectRate(0.5), 1e-12);
    assertEquals(0.75, s.falseRejectRate(0.9), 1e-12);
    assertEquals(1.0, s.falseRejectRate(0.95), 1e-12);
  }

  @Test
  void reportNamesCountsQuantilesAndEachThreshold() {
    float[] scores = new float[100];
    for (int i = 0; i < 100; i++) {
      scores[i] = (i + 1) / 100f;
    }
    LivenessSurvey.Summary s = new LivenessSurvey.Summary("celeba", scores, 3);
    assertEquals(0.01, s.quantile(0), 1e-6);
    assertEquals(0.05, s.quantile(0.05), 1e-6);
    assertEquals(0.5, s.quantile(0.5), 1e-6);
    String r = s.report(new double[] {0.3, 0.5});
    assertTrue(r.startsWith("celeba: 100 images scored, 3 rejected by the decoder"), r);
    assertTrue(r.contains("threshold 0.30: live faces rejected 29 of 100 (FRR 0.2900)"), r);
    assertTrue(r.contains("threshold 0.50: live faces rejected 49 of 100 (FRR 0.4900)"), r);
    assertTrue(
        Double.isNaN(new LivenessSurvey.Summary("empty", new float[0], 0).falseRejectRate(0.5)));
  }
}
