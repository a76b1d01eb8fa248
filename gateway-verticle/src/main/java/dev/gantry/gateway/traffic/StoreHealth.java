package dev.gantry.gateway.traffic;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node's limit policies can reach Redis, shared by all of them and kept across
 * specs. Once a call fails, requests stop waiting on Redis: one call per probe interval tries it
 * again, the rest go straight to the fallback. The outage is logged once when it starts and once
 * when it ends, never per request.
 */
final class StoreHealth {
  private static final Logger LOG = LoggerFactory.getLogger(StoreHealth.class);
  static final long PROBE_EVERY_MILLIS = 1_000;
  /** When the current outage started (wall-clock ms), or -1 while Redis answers. */
  private final AtomicLong downSince = new AtomicLong(-1);
  private final AtomicLong nextProbe = new AtomicLong();

  /** Whether a decision at {@code now} should ask Redis (always while it answers; one probe at a time while down). */
  boolean shouldTry(long now) {
    if (downSince.get() < 0) {
      return true;
    }
    long at = nextProbe.get();
    return now >= at && nextProbe.compareAndSet(at, now + PROBE_EVERY_MILLIS);
  }

  /** A call that started at {@code startedAt} succeeded; one that began before the outage proves nothing. */
  void succeeded(long startedAt) {
    long since = downSince.get();
    if (since >= 0 && startedAt >= since && downSince.compareAndSet(since, -1)) {
      LOG.info("rate-limit store (Redis) answers again after {} ms: limits are cluster-wide again",
          System.currentTimeMillis() - since);
    }
  }

  void failed(Throwable cause, long now) {
    nextProbe.set(now + PROBE_EVERY_MILLIS);
    if (downSince.compareAndSet(-1, now)) {
      LOG.warn("rate-limit store (Redis) failed ({}): limits fall back to each policy's on-store-failure "
          + "until it answers again", cause.toString());
    }
  }

  boolean down() {
    return downSince.get() >= 0;
  }
}
