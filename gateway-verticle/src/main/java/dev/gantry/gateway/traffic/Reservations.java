package dev.gantry.gateway.traffic;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's batches of permits, one {@link Reservation} per subject, shared by every event loop
 * and kept across specs. Subjects are per client, so a client can make many: past the bound the
 * map starts over, as {@code auth.VerifiedTokens} does. A subject that was dropped takes a fresh
 * batch on its next request; the unused permits of its old batch stay counted in Redis until the
 * window ends (fewer admitted, never more).
 */
final class Reservations {
  static final int DEFAULT_MAX_SUBJECTS = 10_000;
  private final int maxSubjects;
  private final Map<String, Reservation> bySubject = new ConcurrentHashMap<>();

  /**
   * One subject's state on this node. Its fields are read and written only while holding the
   * reservation's own monitor, so event loops taking permits of one subject wait for each other
   * for a few instructions and never for Redis.
   */
  static final class Reservation {
    /** The current batch; null before the first and while the next is being fetched. */
    Lease lease;
    /** The batch being fetched (at most one per subject: later requests wait on it); null when none. */
    Future<Lease> fetching;
  }

  Reservations(int maxSubjects) {
    this.maxSubjects = maxSubjects;
  }

  Reservation of(String subject) {
    Reservation reservation = bySubject.get(subject);
    if (reservation != null) {
      return reservation;
    }
    if (bySubject.size() >= maxSubjects) {
      bySubject.clear(); // a flood of distinct clients must not grow the heap; real ones take a new batch
    }
    return bySubject.computeIfAbsent(subject, s -> new Reservation());
  }

  /** Subjects tracked now. */
  int subjects() {
    return bySubject.size();
  }
}
