package dev.gantry.gateway.traffic;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Counters in this node's memory: the {@code local} store, and what {@code allow-local} falls back
 * to while Redis is down. Subjects live in an LRU of bounded size, split in stripes so listeners
 * on different event loops rarely wait for each other; a subject pushed out by newer ones starts
 * again from zero — the price of a bound that a flood of distinct keys (spoofed headers) cannot
 * grow. One decision locks one stripe, so its windows are checked and counted atomically.
 */
public final class LocalLimiter implements Limiter {
  public static final int DEFAULT_MAX_SUBJECTS = 100_000;
  private static final int STRIPES = 16;
  private final Stripe[] stripes = new Stripe[STRIPES];
  private final LongSupplier clock;

  /** A counter and when it stops counting (wall-clock milliseconds). */
  private static final class Counter {
    long count;
    long expiresAt;
  }

  private static final class Stripe extends LinkedHashMap<String, Map<String, Counter>> {
    private final int capacity;

    Stripe(int capacity) {
      super(16, 0.75f, true); // access order: the least recently seen subject goes first
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Map<String, Counter>> eldest) {
      return size() > capacity;
    }
  }

  public LocalLimiter(int maxSubjects) {
    this(maxSubjects, System::currentTimeMillis);
  }

  /** @param clock wall-clock milliseconds, for counters' expiry */
  public LocalLimiter(int maxSubjects, LongSupplier clock) {
    this.clock = clock;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe(Math.max(1, maxSubjects / STRIPES));
    }
  }

  @Override
  public Future<Decision> acquire(String subject, List<Window> windows) {
    return Future.succeededFuture(decide(subject, windows));
  }

  /** The decision, made now on the calling thread. */
  public Decision decide(String subject, List<Window> windows) {
    long now = clock.getAsLong();
    Stripe stripe = stripes[(subject.hashCode() & 0x7fffffff) % STRIPES];
    synchronized (stripe) {
      Map<String, Counter> counters = stripe.computeIfAbsent(subject, s -> new HashMap<>(4));
      counters.values().removeIf(c -> c.expiresAt <= now); // windows gone by
      long[] previous = new long[windows.size()];
      long[] current = new long[windows.size()];
      boolean allowed = true;
      for (int i = 0; i < windows.size(); i++) {
        Window w = windows.get(i);
        previous[i] = w.previousKey() == null ? 0 : count(counters.get(w.previousKey()));
        current[i] = count(counters.get(w.key()));
        allowed &= w.fits(previous[i], current[i]);
      }
      List<Decision.Standing> standings = new ArrayList<>(windows.size());
      for (int i = 0; i < windows.size(); i++) {
        Window w = windows.get(i);
        if (allowed) {
          Counter counter = counters.computeIfAbsent(w.key(), k -> new Counter());
          if (counter.count++ == 0) {
            counter.expiresAt = now + w.ttlMillis();
          }
          current[i] = counter.count;
        }
        standings.add(w.standing(previous[i], current[i], allowed));
      }
      return new Decision(allowed, standings);
    }
  }

  private static long count(Counter counter) {
    return counter == null ? 0 : counter.count;
  }

  /** Subjects tracked now (never more than the bound). */
  public int subjects() {
    int total = 0;
    for (Stripe stripe : stripes) {
      synchronized (stripe) {
        total += stripe.size();
      }
    }
    return total;
  }
}
