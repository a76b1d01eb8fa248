package dev.gantry.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The per-address token buckets: refill arithmetic on a given clock, and a table that stays bounded. */
class RateBucketsTest {
  @Test
  void aBucketRefillsAtTheRateUpToTheBurst() {
    RateBuckets buckets = new RateBuckets(2, 2, 1_000);
    long t = 1_000_000_000L;
    assertEquals(0, buckets.take("a", t));
    assertEquals(0, buckets.take("a", t));
    assertEquals(500_000_000L, buckets.take("a", t), "the next token comes in half a second at 2/s");
    assertEquals(0, buckets.take("a", t + 500_000_000L));
    assertEquals(0, buckets.take("b", t), "another address has its own bucket");
    assertEquals(0, buckets.take("a", t + 10_000_000_000L));
    assertEquals(0, buckets.take("a", t + 10_000_000_000L));
    assertTrue(buckets.take("a", t + 10_000_000_000L) > 0, "an idle bucket fills to the burst, not beyond");
  }

  @Test
  void aFloodOfSourcesCannotGrowTheTablePastItsCapacity() {
    RateBuckets buckets = new RateBuckets(1, 1, 160);
    for (int i = 0; i < 100_000; i++) {
      buckets.take("10." + (i >> 16 & 0xFF) + "." + (i >> 8 & 0xFF) + "." + (i & 0xFF), i);
    }
    assertTrue(buckets.tracked() <= 160, "tracked " + buckets.tracked());
  }
}
