package dev.gantry.gateway.spec;

import java.util.List;

/**
 * Retries of a route. Connect failures and the listed statuses are retried, only for idempotent
 * methods unless {@code nonIdempotent}; the budget keeps retries below {@code budgetPercent} of the
 * route's live traffic (at least {@code minPerSecond} retries a second are always allowed).
 */
public record RetrySpec(int attempts, long backoffMillis, long maxBackoffMillis, int budgetPercent,
    int minPerSecond, boolean nonIdempotent, List<Integer> statuses) {
  public static final RetrySpec NONE = new RetrySpec(0, 0, 0, 0, 0, false, List.of());

  /** Whether an answer with this status is retried: one of {@link #statuses}, all 5xx (no boxing per answer). */
  public boolean retriesOn(int status) {
    if (status < 500) {
      return false;
    }
    for (int s : statuses) {
      if (s == status) {
        return true;
      }
    }
    return false;
  }

  static RetrySpec read(SpecReader r) {
    if (r == null) {
      return NONE;
    }
    List<Integer> statuses = r.has("statuses") ? r.ints("statuses", 500, 599) : List.of(502, 503, 504);
    RetrySpec spec = new RetrySpec(
        (int) r.integer("attempts", 2, 0, 10),
        r.integer("backoff-ms", 25, 0, 60_000),
        r.integer("max-backoff-ms", 1_000, 0, 60_000),
        (int) r.integer("budget-percent", 20, 0, 100),
        (int) r.integer("min-per-second", 3, 0, 10_000),
        r.bool("non-idempotent", false),
        statuses);
    r.done();
    return spec;
  }
}
