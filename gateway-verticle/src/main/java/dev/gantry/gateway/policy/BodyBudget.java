package dev.gantry.gateway.policy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies a node holds whole at once (for the WAF, GraphQL, retries and
 * shadows, service calls), across its event loops. Each such body is bounded by its route, but
 * not their sum: a burst of large bodies from many clients would otherwise be held all together,
 * however small the heap. A body that would take the node past the budget is refused with 503
 * while the others are served; its bytes come back when its exchange ends.
 */
public final class BodyBudget {
  private final long max;
  private final AtomicLong held = new AtomicLong();

  /** @param max bytes of bodies held at once, at least 1 */
  public BodyBudget(long max) {
    if (max < 1) {
      throw new IllegalArgumentException("a body budget must be positive, got " + max);
    }
    this.max = max;
  }

  /** Takes {@code bytes} when they fit; false (taking nothing) when they would pass the budget. */
  boolean take(long bytes) {
    long now;
    do {
      now = held.get();
      if (now + bytes > max) {
        return false;
      }
    } while (!held.compareAndSet(now, now + bytes));
    return true;
  }

  void give(long bytes) {
    held.addAndGet(-bytes);
  }

  /** Bytes held now. */
  public long held() {
    return held.get();
  }

  public long max() {
    return max;
  }
}
