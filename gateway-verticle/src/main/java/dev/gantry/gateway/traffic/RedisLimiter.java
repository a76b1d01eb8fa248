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
 * <p>The instant is the gateway node's clock, passed in the windows, not Redis's {@code TIME}:
 * keys can then be declared to the script (as Redis Cluster requires), and every key of one
 * decision shares the subject as hash tag, so they live in one slot. Nodes' clocks are expected to
 * be NTP-close; a skew of d milliseconds moves a window's edges by d.
 */
public final class RedisLimiter implements Limiter {
  static final String SCRIPT = """
      local n = #KEYS / 2
      local counts = {}
      local allowed = 1
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
          allowed = 0
        end
      end
      if allowed == 1 then
        for i = 1, n do
          local current = redis.call('INCR', KEYS[2 * i])
          if current == 1 then
            redis.call('PEXPIRE', KEYS[2 * i], ARGV[3 * i])
          end
          counts[2 * i] = current
        end
      end
      return {allowed, unpack(counts)}
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
    RedisAPI api = redis.get();
    if (api == null) {
      return Future.failedFuture(new StoreUnavailableException("no Redis is configured"));
    }
    List<String> tail = new ArrayList<>(1 + windows.size() * 5);
    tail.add(Integer.toString(windows.size() * 2));
    String prefix = KEY_PREFIX + '{' + subject + "}:";
    for (Window w : windows) {
      // A fixed window has no previous counter: its own key stands in, with weight 0 (never read).
      tail.add(prefix + (w.previousKey() == null ? w.key() : w.previousKey()));
      tail.add(prefix + w.key());
    }
    for (Window w : windows) {
      tail.add(Long.toString(w.limit()));
      tail.add(Double.toString(w.previousWeight())); // the shortest text that reads back as the same double
      tail.add(Long.toString(w.ttlMillis()));
    }
    Context caller = Vertx.currentContext();
    Future<Response> answer = api.evalsha(with(SHA, tail))
        .recover(e -> isNoScript(e) ? api.eval(with(SCRIPT, tail)) : Future.failedFuture(e))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS);
    return onContext(caller, answer.map(response -> decision(response, windows)));
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

  private static Decision decision(Response response, List<Window> windows) {
    boolean allowed = response.get(0).toLong() == 1;
    List<Decision.Standing> standings = new ArrayList<>(windows.size());
    for (int i = 0; i < windows.size(); i++) {
      standings.add(windows.get(i).standing(response.get(1 + 2 * i).toLong(), response.get(2 + 2 * i).toLong(),
          allowed));
    }
    return new Decision(allowed, standings);
  }

  /**
   * The outcome, delivered on the caller's event loop: the request's path (its response, the
   * upstream call after this policy) stays on the loop that owns its connection, whichever loop
   * the Redis connection or the timeout's timer belongs to.
   */
  private static <T> Future<T> onContext(Context caller, Future<T> outcome) {
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
