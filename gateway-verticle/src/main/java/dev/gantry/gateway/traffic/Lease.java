package dev.gantry.gateway.traffic;

import java.util.ArrayList;
import java.util.List;

/**
 * A batch of permits this node took from Redis for one subject: already counted there, so the
 * node admits up to {@code granted} requests of that subject without asking again. It serves only
 * the windows it was counted in (same keys, same limits: a window that rolled over or a limit a
 * new spec changed ends it) and only until {@code expiresAt}, so permits never move into a later
 * window and a node does not sit on a large share of the limit while the client has gone quiet.
 *
 * <p>Not thread-safe: its {@link Reservation} takes from it under its own lock.
 */
final class Lease {
  private final List<String> keys;
  private final long[] limits;
  private final long[] previous;
  private final long[] current;
  private final int granted;
  private final long expiresAt;
  private int used;

  /**
   * @param windows   the windows the batch was counted in, at the instant it was asked for
   * @param counted   what Redis counted (the first permit goes to the request that asked)
   * @param expiresAt wall-clock ms after which the lease admits nobody
   */
  Lease(List<Window> windows, RedisLimiter.Counted counted, long expiresAt) {
    this.keys = windows.stream().map(Window::key).toList();
    this.limits = windows.stream().mapToLong(Window::limit).toArray();
    this.previous = counted.previous();
    this.current = counted.current();
    this.granted = counted.granted();
    this.expiresAt = expiresAt;
    this.used = Math.min(1, granted);
  }

  /** The decision for the request that asked for the batch. */
  Decision first(List<Window> windows) {
    return granted == 0 ? new RedisLimiter.Counted(0, previous, current).decision(windows) : decision(windows, 1);
  }

  /**
   * The refusal this batch's call ended in, for another request of the same windows that waited
   * on it; null when the call granted permits or the windows are others now.
   */
  Decision refusal(List<Window> windows) {
    return granted == 0 && servesWindows(windows) ? first(windows) : null;
  }

  /** Admits one more request from the batch, or null when the lease cannot (used up, expired, other windows). */
  Decision take(List<Window> windows, long now) {
    if (used >= granted || now >= expiresAt || !servesWindows(windows)) {
      return null;
    }
    return decision(windows, ++used);
  }

  private boolean servesWindows(List<Window> windows) {
    if (windows.size() != keys.size()) {
      return false;
    }
    for (int i = 0; i < limits.length; i++) {
      Window w = windows.get(i);
      if (w.limit() != limits[i] || !w.key().equals(keys.get(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The k-th request of the batch sees the counters as if the batch had been counted one request
   * at a time and nobody else had counted since: Redis's count before the batch, plus k. Requests
   * that other nodes counted meanwhile show up at the next batch.
   */
  private Decision decision(List<Window> windows, int k) {
    List<Decision.Standing> standings = new ArrayList<>(windows.size());
    for (int i = 0; i < windows.size(); i++) {
      standings.add(windows.get(i).standing(previous[i], current[i] - granted + k, true));
    }
    return new Decision(true, standings);
  }

  /** How many permits Redis granted (0, 1 or the batch asked for). */
  int granted() {
    return granted;
  }

  /** Permits counted in Redis but not given to a request: to be given back when the lease ends. */
  long unused() {
    return granted - used;
  }

  /** The windows' current counters the batch was counted in. */
  List<String> keys() {
    return keys;
  }
}
