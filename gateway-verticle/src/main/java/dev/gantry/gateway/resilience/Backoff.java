package dev.gantry.gateway.resilience;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter: attempt n waits a random time in [0, min(max, base * 2^n)). */
public final class Backoff {
  private Backoff() {}

  public static long delay(int attempt, long baseMillis, long maxMillis) {
    if (baseMillis <= 0) {
      return 0;
    }
    long cap = Math.min(maxMillis, baseMillis << Math.min(attempt, 20));
    return cap <= 1 ? cap : ThreadLocalRandom.current().nextLong(1, cap + 1);
  }
}
