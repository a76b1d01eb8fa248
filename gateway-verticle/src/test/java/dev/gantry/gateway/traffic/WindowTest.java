package dev.gantry.gateway.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The sliding-window arithmetic every store shares. */
class WindowTest {
  private static final long MINUTE = 60_000;

  @Test
  void theCurrentWindowIsNamedByItsIndexAndThePreviousOneBeforeIt() {
    Window w = Window.sliding("default", 100, MINUTE, 10 * MINUTE + 15_000);
    assertEquals("default:60000:10", w.key());
    assertEquals("default:60000:9", w.previousKey());
    assertEquals(15_000, w.elapsedMillis());
    assertEquals(0.75, w.previousWeight(), 1e-9);
    assertEquals(2 * MINUTE - 15_000 + 1_000, w.ttlMillis(), "lives on as the next window's previous");
  }

  @Test
  void aRatesSlidingWindowsAreTheWindowsSlidingGivesAcrossWindowBoundaries() {
    Window.Sliding rate = new Window.Sliding("per-minute", 100, MINUTE);
    for (long now : new long[] {10 * MINUTE + 15_000, 10 * MINUTE + 59_999, 11 * MINUTE, 11 * MINUTE + 1, 10 * MINUTE,
        -1, 0, 12 * MINUTE + 30_000, 12 * MINUTE + 30_000}) {
      assertEquals(Window.sliding("per-minute", 100, MINUTE, now), rate.at(now), "at " + now);
    }
  }

  @Test
  void thePreviousWindowWeighsByTheShareStillCovered() {
    Window w = Window.sliding("default", 100, MINUTE, 10 * MINUTE + 15_000); // 75 % of the previous window
    assertTrue(w.fits(100, 24), "75 + 24 + 1 = 100");
    assertFalse(w.fits(100, 25));
    Decision.Standing s = w.standing(100, 20, true);
    assertEquals(5, s.remaining());
    assertEquals(45, s.resetSeconds(), "the current fixed window ends in 45 s");
    assertEquals(0, s.retryAfterSeconds());
  }

  @Test
  void retryAfterIsWhenTheEstimateHasRoomAgain() {
    // 100 in the previous window, 50 now, at 30 s: estimate 50 + 50 = 100, full. Room for one
    // more once the previous window weighs 49: 100 * (1 - t/60) <= 49, t >= 30.6 s, so 0.6 s on.
    Window half = Window.sliding("default", 100, MINUTE, 10 * MINUTE + 30_000);
    assertEquals(1, half.standing(100, 50, false).retryAfterSeconds());
    // The current window alone is full (100 of 100) at 30 s: it ends in 30 s, then weighs 100 and
    // must decay to 99: 0.6 s into the next one.
    assertEquals(31, half.standing(0, 100, false).retryAfterSeconds());
    Window fixed = Window.fixed("quota", 10, "2025-06-14", 86_400_000, 86_400_000 - 90_000);
    assertEquals(90, fixed.standing(0, 10, false).retryAfterSeconds(), "a period ends when it ends");
  }

  @Test
  void aFixedWindowCountsOnlyItself() {
    Window fixed = Window.fixed("quota", 10, "2025-06", 30L * 86_400_000, 0);
    assertEquals(0, fixed.previousWeight());
    assertTrue(fixed.fits(1_000_000, 9));
    assertFalse(fixed.fits(0, 10));
    assertEquals("quota:2025-06", fixed.key());
  }
}
