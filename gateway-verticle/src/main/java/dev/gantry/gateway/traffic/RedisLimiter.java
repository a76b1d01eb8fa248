package dev.gantry.gateway.traffic;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Counters in the cluster's Redis: every gateway node counts against the same ones. A decision is
 * one Lua script (atomic in Redis, one round trip): it reads each window's two counters, and only
 * when every window admits the request does it increment the current counters (setting their
 * expiry when it creates them). The script is sent by its SHA ({@code EVALSHA}); a Redis that does
 * not know it yet ({@code NOSCRIPT}: restarted, flushed) gets it whole once ({@code EVAL}, which
 * also caches it). Each call is bounded by a timeout, so a slow or unreachable Redis fails the
 * decision instead of holding the request.
 *
 * <p>The script can also count a batch of requests at once ({@link #reserve}, for
 * {@link ReservingLimiter}): all of them only when all fit in every window, else one request
 * exactly as a single decision would, so the last permits of a window are still given out one by
 * one. Called for one request without a batch to give back, it receives the same arguments and
 * answers the same as it did before batches existed.
 *
 * <p>The instant is the gateway node's clock, passed in the windows, not Redis's {@code TIME}:
 * keys can then be declared to the script (as Redis Cluster requires), and every key of one
 * decision shares the subject as hash tag, so they live in one slot. Nodes' clocks are expected to
 * be NTP-close; a skew of d milliseconds moves a window's edges by d.
 */
public final class RedisLimiter implements Limiter {
  static final String SCRIPT = """
      local n = math.floor(#ARGV / 3)
      local count = tonumber(ARGV[3 * n + 1] or '1')
      local refund = tonumber(ARGV[3 * n + 2] or '0')
      if refund > 0 then
        for i = 1, n do
          local left = tonumber(redis.call('GET', KEYS[2 * n + i]) or '0')
          if left > 0 then
            redis.call('DECRBY', KEYS[2 * n + i], math.min(refund, left))
          end
        end
      end
      local counts = {}
      local room = count
      for i = 1, n do
        local limit = tonumber(ARGV[3 * i - 2])
        local weight = tonumber(ARGV[3 * i - 1])
        local previous = 0
        if weight > 0 then
          previous = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
        end
        local current = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
        counts[2 * i - 1] = previous
        counts[2 * i] = current
        if previous * weight + current + 1 > limit then
          room = 0
        elseif room > 1 and previous * weight + current + room > limit then
          room = 1
        end
      end
      if room > 0 then
        for i = 1, n do
          local current = redis.call('INCRBY', KEYS[2 * i], room)
          if current == room then
            redis.call('PEXPIRE', KEYS[2 * i], ARGV[3 * i])
          end
          counts[2 * i] = current
        end
      end
      return {room, unpack(counts)}
      """;
  static final String SHA = sha1(SCRIPT);
  /** Every key this gateway writes starts so, and names its subject as hash tag. */
  public static final String KEY_PREFIX = "gantry:";
  private final Supplier<RedisAPI> redis;
  private final long timeoutMillis;

  /**
   * @param redis         the cluster's Redis, asked on each decision (null: none configured)
   * @param timeoutMillis how long one decision may take before it counts as a store failure
   */
  public RedisLimiter(Supplier<RedisAPI> redis, long timeoutMillis) {
    this.redis = redis;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public Future<Decision> acquire(String subject, List<Window> windows) {
    return call(subject, windows, 1, null).map(counted -> counted.decision(windows));
  }

  /**
   * Counts {@code count} requests at once when all of them fit in every window; when they do not,
   * one request as {@link #acquire} would; when not even one fits, none. Before counting, the
   * unused permits of the subject's previous batch go back to the counters they were taken from
   * (those that still exist), so a batch given back is not counted as used.
   *
   * @param ending the node's previous batch for this subject, whose unused permits are given back; null: none
   * @return how many were counted (0, 1 or {@code count}) and the windows' counters after it
   */
  Future<Counted> reserve(String subject, List<Window> windows, int count, Lease ending) {
    return call(subject, windows, count, ending);
  }

  private Future<Counted> call(String subject, List<Window> windows, int count, Lease ending) {
    RedisAPI api = redis.get();
    if (api == null) {
      return Future.failedFuture(new StoreUnavailableException("no Redis is configured"));
    }
    // The script gives back to one key per window; a batch of another number of windows (the spec
    // changed meanwhile) keeps its unused permits counted: fewer admitted, never more.
    long refund = ending == null || ending.keys().size() != windows.size() ? 0 : ending.unused();
    int keys = windows.size() * (refund > 0 ? 3 : 2);
    List<String> tail = new ArrayList<>(3 + windows.size() * 6);
    tail.add(Integer.toString(keys));
    String prefix = KEY_PREFIX + '{' + subject + "}:";
    for (Window w : windows) {
      // A fixed window has no previous counter: its own key stands in, with weight 0 (never read).
      tail.add(prefix + (w.previousKey() == null ? w.key() : w.previousKey()));
      tail.add(prefix + w.key());
    }
    if (refund > 0) {
      for (String key : ending.keys()) {
        tail.add(prefix + key);
      }
    }
    for (Window w : windows) {
      tail.add(Long.toString(w.limit()));
      tail.add(Double.toString(w.previousWeight())); // the shortest text that reads back as the same double
      tail.add(Long.toString(w.ttlMillis()));
    }
    if (count > 1 || refund > 0) { // one request without a refund sends exactly what it always did
      tail.add(Integer.toString(count));
      tail.add(Long.toString(refund));
    }
    Context caller = Vertx.currentContext();
    Future<Response> answer = api.evalsha(with(SHA, tail))
        .recover(e -> isNoScript(e) ? api.eval(with(SCRIPT, tail)) : Future.failedFuture(e))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS);
    return onContext(caller, answer.map(response -> counted(response, windows)));
  }

  /**
   * What one script call counted.
   *
   * @param granted  requests counted: 0 (refused), 1, or the whole batch asked for
   * @param previous each window's previous fixed-window count
   * @param current  each window's current count, including what was granted
   */
  record Counted(int granted, long[] previous, long[] current) {
    /** The decision for the request that asked, as if it were the last of those counted. */
    Decision decision(List<Window> windows) {
      List<Decision.Standing> standings = new ArrayList<>(windows.size());
      for (int i = 0; i < windows.size(); i++) {
        standings.add(windows.get(i).standing(previous[i], current[i], granted > 0));
      }
      return new Decision(granted > 0, standings);
    }
  }

  private static List<String> with(String head, List<String> tail) {
    List<String> args = new ArrayList<>(tail.size() + 1);
    args.add(head);
    args.addAll(tail);
    return args;
  }

  private static boolean isNoScript(Throwable e) {
    return e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT");
  }

  private static Counted counted(Response response, List<Window> windows) {
    long[] previous = new long[windows.size()];
    long[] current = new long[windows.size()];
    for (int i = 0; i < windows.size(); i++) {
      previous[i] = response.get(1 + 2 * i).toLong();
      current[i] = response.get(2 + 2 * i).toLong();
    }
    return new Counted(response.get(0).toInteger(), previous, current);
  }

  /**
   * The outcome, delivered on the caller's event loop: the request's path (its response, the
   * upstream call after this policy) stays on the loop that owns its connection, whichever loop
   * the Redis connection or the timeout's timer belongs to.
   */
  static <T> Future<T> onContext(Context caller, Future<T> outcome) {
    if (caller == null) {
      return outcome;
    }
    Promise<T> promise = Promise.promise();
    outcome.onComplete(ar -> {
      if (Vertx.currentContext() == caller) {
        promise.handle(ar);
      } else {
        caller.runOnContext(v -> promise.handle(ar));
      }
    });
    return promise.future();
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }
}
