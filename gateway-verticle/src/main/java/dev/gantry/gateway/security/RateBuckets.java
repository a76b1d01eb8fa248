package dev.gantry.gateway.security;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per client address, in a memory-bounded table: an LRU of at most
 * {@code capacity} addresses, split in stripes so listeners on different event loops rarely wait
 * for each other. An address pushed out by newer ones starts again with a full bucket, the price
 * of a bound that a flood of spoofed sources cannot grow.
 */
final class RateBuckets {
  private static final int STRIPES = 16;
  private final double perSecond;
  private final double burst;
  private final Stripe[] stripes = new Stripe[STRIPES];

  private static final class Bucket {
    double tokens;
    long last;
  }

  private static final class Stripe extends LinkedHashMap<String, Bucket> {
    private final int capacity;

    Stripe(int capacity) {
      super(16, 0.75f, true); // access order: the least recently seen address goes first
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
      return size() > capacity;
    }
  }

  RateBuckets(double perSecond, double burst, int capacity) {
    this.perSecond = perSecond;
    this.burst = burst;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe(Math.max(1, capacity / STRIPES));
    }
  }

  /**
   * Takes one token for {@code address}; returns 0 when it had one, else the nanoseconds until
   * the next token.
   */
  long take(String address, long nowNanos) {
    Stripe stripe = stripes[(address.hashCode() & 0x7fffffff) % STRIPES];
    synchronized (stripe) {
      Bucket bucket = stripe.get(address);
      if (bucket == null) {
        bucket = new Bucket();
        bucket.tokens = burst;
        bucket.last = nowNanos;
        stripe.put(address, bucket);
      }
      bucket.tokens = Math.min(burst, bucket.tokens + (nowNanos - bucket.last) / 1e9 * perSecond);
      bucket.last = nowNanos;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - bucket.tokens) / perSecond * 1e9);
    }
  }

  /** Addresses tracked now (never more than the capacity). */
  int tracked() {
    int total = 0;
    for (Stripe stripe : stripes) {
      synchronized (stripe) {
        total += stripe.size();
      }
    }
    return total;
  }
}
