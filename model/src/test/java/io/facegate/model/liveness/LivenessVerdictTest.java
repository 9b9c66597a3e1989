package io.facegate.model.liveness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.facegate.model.preprocess.RawImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class LivenessVerdictTest {

  @Test
  void liveExactlyAtOrAboveThreshold() {
    assertTrue(LivenessVerdict.scored(0.5f, 0.5f).live());
    assertFalse(LivenessVerdict.scored(Math.nextDown(0.5f), 0.5f).live());
    assertTrue(LivenessVerdict.scored(1f, 1f).live());
  }

  @Test
  void invalidScoresFailClosed() {
    for (float s : new float[] {Float.NaN, Float.POSITIVE_INFINITY, -0.1f, 1.1f}) {
      LivenessVerdict v = LivenessVerdict.scored(s, 0f);
      assertTrue(v.checked());
      assertFalse(v.live(), "score " + s);
    }
    assertThrows(IllegalArgumentException.class, () -> new LivenessVerdict(true, Float.NaN, true));
  }

  @Test
  void thresholdOutsideUnitIntervalIsRefused() {
    for (float t : new float[] {Float.NaN, -0.01f, 1.01f}) {
      assertThrows(IllegalArgumentException.class, () -> LivenessVerdict.scored(0.5f, t));
      assertThrows(IllegalArgumentException.class, () -> LivenessCheck.threshold(t));
    }
  }

  @Test
  void offPassesEveryFaceUnscored() {
    RawImage face = new RawImage(2, 2, 1, new byte[4]);
    List<LivenessVerdict> v = LivenessCheck.OFF.check(List.of(face, face, face));
    assertEquals(3, v.size());
    for (LivenessVerdict x : v) {
      assertFalse(x.checked());
      assertTrue(x.live());
      assertTrue(Float.isNaN(x.score()));
    }
    assertEquals("off", LivenessCheck.OFF.describe());
  }
}
