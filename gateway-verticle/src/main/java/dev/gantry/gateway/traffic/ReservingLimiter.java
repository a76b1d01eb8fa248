package dev.gantry.gateway.traffic;

import dev.gantry.gateway.security.IdentityMemo;
import dev.gantry.gateway.traffic.Reservations.Reservation;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Redis counting with fewer round trips for large limits: a node takes a batch of permits for a
 * subject in one script call (counted in Redis at once, only if the whole batch fits in every
 * window) and admits that subject's next requests from it without asking Redis, until the batch is
 * used up, {@link #LEASE_MILLIS} have passed or a window ends. The Redis call per request was most
 * of what a Redis-backed limit costs a request; with a batch of b it is paid once per b requests.
 *
 * <p>The batch follows from the tightest limit so that accuracy holds:
 * {@code clamp(limit / (100 × gateway nodes), 1, 1000)}. A limit under 200 per node gets batch 1,
 * which is exactly a one-request decision as before. No request is admitted over a limit: every
 * admission uses a permit Redis counted while it fit. Requests can be refused early: at any
 * instant each node may hold up to b − 1 counted, unused permits of a subject, so the cluster
 * admits at worst nodes × (b − 1) fewer than the limit (at most about 1% of it). Those permits are
 * given back (decremented in the counters they were taken from) in the same script call that takes
 * the node's next batch for the subject; when no next batch comes (the client went quiet, the
 * subject was dropped from the bounded {@link Reservations}, the node stopped) they stay counted
 * until their window ends. When the batch does not fit whole, the script counts one request
 * instead, so the last permits of a window are given out one request at a time, exactly.
 *
 * <p>Only one batch per subject is fetched at a time on a node; requests arriving meanwhile wait
 * for it and then take from it, or (when Redis could not grant the whole batch) ask for one permit
 * each, as without batches. When the fetch found the window full, the requests that waited on it
 * are refused with it (same counters, same {@code Retry-After}) instead of asking again: a client
 * hammering past a limit large enough for batches costs Redis about one call per round trip and
 * node, not one per request. (They can be refused a permit or two that the sliding window freed during that round
 * trip: fewer admitted, never more.) A failed fetch fails them all, and {@link FallbackLimiter}
 * applies the policy's {@code on-store-failure} to each.
 *
 * <p>While Redis is marked down, {@link FallbackLimiter} asks this limiter only for its probes, the
 * first {@link StoreHealth#PROBE_EVERY_MILLIS} (a second) after the failure. A lease lives at most
 * {@link #LEASE_MILLIS} from the start of the call that took it, so every lease taken before the
 * outage has expired by then: a probe always reaches Redis and is never mistaken for Redis
 * answering again because a batch answered it.
 */
public final class ReservingLimiter implements Limiter {
  /** How long a batch serves at most. */
  static final long LEASE_MILLIS = 250;
  static final int MAX_BATCH = 1_000;
  /** A node's batch is at most a hundredth of its share of the limit (the limit divided by the nodes). */
  static final int SHARE_DIVISOR = 100;
  private final RedisLimiter redis;
  private final Reservations reservations;
  private final IntSupplier gatewayNodes;
  private final LongSupplier clock;

  /**
   * @param redis        the cluster's counters
   * @param reservations this node's batches (kept across specs)
   * @param gatewayNodes how many gateway nodes share the limits
   * @param clock        wall-clock milliseconds, for leases' expiry
   */
  ReservingLimiter(RedisLimiter redis, Reservations reservations, IntSupplier gatewayNodes,
      LongSupplier clock) {
    this.redis = redis;
    this.reservations = reservations;
    this.gatewayNodes = gatewayNodes;
    this.clock = clock;
  }

  /** A limiter on {@code redis} with this node's own bounded batches, for callers outside the package (benchmarks). */
  public static ReservingLimiter of(RedisLimiter redis, int gatewayNodes) {
    return new ReservingLimiter(redis, new Reservations(Reservations.DEFAULT_MAX_SUBJECTS), () -> gatewayNodes,
        System::currentTimeMillis);
  }

  /** The batch for these windows: {@code clamp(tightest limit / (100 × nodes), 1, 1000)}. */
  static int batchSize(List<Window> windows, int nodes) {
    long tightest = Long.MAX_VALUE;
    for (Window w : windows) {
      tightest = Math.min(tightest, w.limit());
    }
    long batch = tightest / ((long) SHARE_DIVISOR * Math.max(1, nodes));
    return (int) Math.max(1, Math.min(MAX_BATCH, batch));
  }

  @Override
  public Future<Decision> acquire(String subject, List<Window> windows) {
    int batch = batchSize(windows, gatewayNodes.getAsInt());
    if (batch == 1) {
      return redis.acquire(subject, windows);
    }
    return acquire(subject, windows, batch, reservations.of(reservationKey(subject, windows)));
  }

  private record Keyed(List<Window> shape, String key) {}

  /** Reservation keys by the identity of their subject ({@link LimitPolicy.Subjects} hands out one string per client). */
  private final IdentityMemo<String, Keyed> keys =
      new IdentityMemo<>(1024);

  private String reservationKey(String subject, List<Window> windows) {
    Keyed known = keys.get(subject);
    if (known != null && sameShape(known.shape, windows)) {
      return known.key;
    }
    String key = keyOf(subject, windows);
    keys.put(subject, new Keyed(windows, key));
    return key;
  }

  /** Whether two requests' windows make one key: the same names and lengths, in order. */
  private static boolean sameShape(List<Window> a, List<Window> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).name().equals(b.get(i).name()) || a.get(i).lengthMillis() != b.get(i).lengthMillis()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Batches are kept per subject and set of limits: two {@code rate-limit} items on one route count
   * one client under one subject with other windows, and must not end each other's batch on every
   * request.
   */
  private static String keyOf(String subject, List<Window> windows) {
    StringBuilder key = new StringBuilder(subject.length() + 24 * windows.size()).append(subject);
    for (Window w : windows) {
      key.append('#').append(w.name()).append(':').append(w.lengthMillis());
    }
    return key.toString();
  }

  private Future<Decision> acquire(String subject, List<Window> windows, int batch, Reservation reservation) {
    Future<Lease> inFlight;
    Lease ending;
    Promise<Lease> fetched;
    synchronized (reservation) {
      Decision local = reservation.lease == null ? null : reservation.lease.take(windows, clock.getAsLong());
      if (local != null) {
        return Future.succeededFuture(local);
      }
      inFlight = reservation.fetching;
      if (inFlight == null) {
        // This request fetches the next batch; the lease it replaces admits nobody from now on, so
        // its unused permits can be given back.
        ending = reservation.lease;
        reservation.lease = null;
        fetched = Promise.promise();
        reservation.fetching = fetched.future();
      } else {
        ending = null;
        fetched = null;
      }
    }
    if (fetched != null) {
      return fetch(subject, windows, batch, reservation, ending, fetched).map(lease -> lease.first(windows));
    }
    return RedisLimiter.onContext(Vertx.currentContext(), inFlight.transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(ar.cause());
      }
      Decision refused = ar.result().refusal(windows);
      if (refused != null) {
        return Future.succeededFuture(refused); // the window was full while this request waited
      }
      if (ar.result().granted() < batch) {
        return redis.acquire(subject, windows); // near the limit: one permit each, exactly
      }
      return acquire(subject, windows, batch, reservation);
    }));
  }

  /**
   * Takes the next batch (outside the reservation's monitor: no lock is held across a call into
   * the Redis client) and installs it before anyone waiting on {@code fetched} hears of it.
   */
  private Future<Lease> fetch(String subject, List<Window> windows, int batch, Reservation reservation, Lease ending,
      Promise<Lease> fetched) {
    long started = clock.getAsLong();
    long untilWindowEnds = Long.MAX_VALUE;
    for (Window w : windows) {
      untilWindowEnds = Math.min(untilWindowEnds, w.lengthMillis() - w.elapsedMillis());
    }
    long expiresAt = started + Math.min(LEASE_MILLIS, untilWindowEnds);
    Future<RedisLimiter.Counted> counted;
    try {
      counted = redis.reserve(subject, windows, batch, ending);
    } catch (RuntimeException e) { // never leave the waiters waiting on a fetch that did not start
      counted = Future.failedFuture(e);
    }
    counted.map(c -> new Lease(windows, c, expiresAt))
        .onComplete(ar -> {
          synchronized (reservation) {
            reservation.fetching = null;
            if (ar.succeeded()) {
              reservation.lease = ar.result();
            }
          }
          fetched.handle(ar);
        });
    return fetched.future();
  }
}
