package dev.gantry.gateway.traffic;

/**
 * One limit as it stands at one instant: at most {@code limit} requests per window, counted under
 * {@code key}. A sliding window is estimated from two fixed ones, as Cloudflare does: the previous
 * fixed window's count, weighted by the share of it the sliding window still covers, plus the
 * current one's (requests are assumed spread evenly over the previous window). It needs two
 * counters per client instead of a log of timestamps. A fixed window (a quota's calendar period)
 * counts only its own.
 *
 * @param name          the limit's name, as {@code RateLimit} headers show it
 * @param key           the current window's counter, unique per limit and window
 * @param previousKey   the previous fixed window's counter; null for a fixed window
 * @param lengthMillis  the window's length
 * @param elapsedMillis how far into the current fixed window this instant is
 */
public record Window(String name, long limit, String key, String previousKey, long lengthMillis, long elapsedMillis) {

  /** A sliding window of {@code lengthMillis} at {@code nowMillis}; fixed windows are aligned to the epoch. */
  public static Window sliding(String name, long limit, long lengthMillis, long nowMillis) {
    long index = Math.floorDiv(nowMillis, lengthMillis);
    String id = name + ':' + lengthMillis + ':';
    return new Window(name, limit, id + index, id + (index - 1), lengthMillis, nowMillis - index * lengthMillis);
  }

  /**
   * The sliding windows of one declared limit, made per request: the counter names change once per
   * window length, so they are built then, not for every request.
   */
  static final class Sliding {
    private final String name;
    private final long limit;
    private final long lengthMillis;
    private final String prefix;
    private volatile Keys last;

    private record Keys(long index, String key, String previousKey) {}

    Sliding(String name, long limit, long lengthMillis) {
      this.name = name;
      this.limit = limit;
      this.lengthMillis = lengthMillis;
      this.prefix = name + ':' + lengthMillis + ':';
    }

    /** The same window as {@link Window#sliding} gives for these arguments. */
    Window at(long nowMillis) {
      long index = Math.floorDiv(nowMillis, lengthMillis);
      Keys keys = last;
      if (keys == null || keys.index != index) {
        keys = new Keys(index, prefix + index, prefix + (index - 1));
        last = keys;
      }
      return new Window(name, limit, keys.key, keys.previousKey, lengthMillis, nowMillis - index * lengthMillis);
    }
  }

  /** A fixed window (a calendar period) named {@code periodId}. */
  public static Window fixed(String name, long limit, String periodId, long lengthMillis, long elapsedMillis) {
    return new Window(name, limit, name + ':' + periodId, null, lengthMillis, elapsedMillis);
  }

  /** This window with another limit and the same counters (a share of the limit while the shared store is down). */
  public Window withLimit(long other) {
    return new Window(name, other, key, previousKey, lengthMillis, elapsedMillis);
  }

  /** How much of the previous fixed window's count still weighs (0 for a fixed window). */
  public double previousWeight() {
    return previousKey == null ? 0 : 1 - (double) elapsedMillis / lengthMillis;
  }

  /**
   * How long the current counter must live: to the window's end, and for a sliding window through
   * the next one too (where it is the previous count). A second more absorbs clock skew between nodes.
   */
  public long ttlMillis() {
    return (previousKey == null ? lengthMillis : 2 * lengthMillis) - elapsedMillis + 1_000;
  }

  /** Whether one more request fits, given the counters before it. */
  public boolean fits(long previous, long current) {
    return previous * previousWeight() + current + 1 <= limit;
  }

  /**
   * Where the window stands after a decision.
   *
   * @param previous the previous fixed window's count
   * @param current  the current one's, including this request when it was counted
   * @param admitted whether the request was admitted (then nobody waits for this window)
   */
  public Decision.Standing standing(long previous, long current, boolean admitted) {
    double used = previous * previousWeight() + current;
    long remaining = Math.max(0, (long) Math.floor(limit - used));
    long reset = ceilSeconds(lengthMillis - elapsedMillis);
    return new Decision.Standing(this, remaining, reset, admitted || fits(previous, current) ? 0
        : retryAfter(previous, current));
  }

  /** Seconds until one more request would fit, if nobody else used the window meanwhile. */
  private long retryAfter(long previous, long current) {
    long toWindowEnd = lengthMillis - elapsedMillis;
    if (previousKey == null) {
      return ceilSeconds(toWindowEnd);
    }
    double room = limit - 1 - current;
    double waitMillis;
    if (room >= 0) {
      // The previous window's weight is what is over: wait until it has decayed enough.
      waitMillis = previous == 0 ? 0 : lengthMillis * (1 - room / previous) - elapsedMillis;
    } else {
      // The current window alone is full: after it ends it weighs as the previous one, decaying.
      waitMillis = toWindowEnd + lengthMillis * (1 - (double) (limit - 1) / current);
    }
    return ceilSeconds((long) Math.ceil(waitMillis));
  }

  private static long ceilSeconds(long millis) {
    return Math.max(1, (millis + 999) / 1000);
  }
}
