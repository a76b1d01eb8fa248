package dev.gantry.services.inventory;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stock reservations in Redis, one Lua script per change so that a reservation over all lines of
 * an order is all or nothing and no two orders can take the same last unit. A reservation is
 * recorded under the order's id, which makes its release idempotent: releasing twice (a retried
 * cancel, a failure path running after a cancel) returns the stock once.
 */
public final class StockLedger {
  /**
   * KEYS: the reservation, then one stock key per line; ARGV: the quantities in the same order,
   * then the reservation's record (when it was taken, and what: {@code millis|product:units,...}).
   */
  private static final String RESERVE = """
      if redis.call('EXISTS', KEYS[1]) == 1 then return {1} end
      for i = 2, #KEYS do
        local have = tonumber(redis.call('GET', KEYS[i]) or '0')
        if have < tonumber(ARGV[i - 1]) then return {0, i - 2, have} end
      end
      for i = 2, #KEYS do redis.call('DECRBY', KEYS[i], ARGV[i - 1]) end
      redis.call('SET', KEYS[1], ARGV[#ARGV])
      return {1}
      """;
  private static final String RESERVATION_PREFIX = "gantry:stock:reservation:";
  /** KEYS and ARGV as for RESERVE; gives the units back only if the reservation still exists. */
  private static final String RELEASE = """
      if redis.call('DEL', KEYS[1]) == 0 then return 0 end
      for i = 2, #KEYS do redis.call('INCRBY', KEYS[i], ARGV[i - 1]) end
      return 1
      """;

  /** A reservation as recorded: the order it is for, when it was taken, product id to units. */
  public record Reservation(String orderId, long takenAtMillis, Map<Long, Integer> quantities) {}

  /** Why a reservation was refused: line {@code index} wants more than {@code available}. */
  public record Shortage(int index, long available) {}

  private final RedisAPI redis;

  public StockLedger(RedisAPI redis) {
    this.redis = redis;
  }

  /**
   * Takes {@code quantities} (product id to units, in line order) for {@code orderId}; the future
   * holds null when taken, or the first line that cannot be served. Reserving again for the same
   * order takes nothing more.
   */
  public Future<Shortage> reserve(String orderId, Map<Long, Integer> quantities) {
    List<String> args = args(RESERVE, orderId, quantities);
    args.add(System.currentTimeMillis() + "|" + String.join(",", quantities.entrySet().stream()
        .map(e -> e.getKey() + ":" + e.getValue()).toList()));
    return redis.eval(args).map(r -> r.get(0).toInteger() == 1 ? null
        : new Shortage(r.get(1).toInteger(), r.get(2).toLong()));
  }

  /** Returns the order's reserved units; the future holds whether there was anything to return. */
  public Future<Boolean> release(String orderId, Map<Long, Integer> quantities) {
    return redis.eval(args(RELEASE, orderId, quantities)).map(r -> r.toInteger() == 1);
  }

  /** The units are gone for good (the order was paid): forget the reservation, keep the stock as is. */
  public Future<Void> settle(String orderId) {
    return redis.del(List.of(reservation(orderId))).mapEmpty();
  }

  /**
   * Reservations taken before {@code cutoffMillis}, found by scanning their keys (a few at a time:
   * SCAN does not block Redis as KEYS would). Those recorded before reservations carried their
   * time are not listed.
   */
  public Future<List<Reservation>> takenBefore(long cutoffMillis) {
    return scan("0", cutoffMillis, new ArrayList<>());
  }

  private Future<List<Reservation>> scan(String cursor, long cutoffMillis, List<Reservation> found) {
    return redis.scan(List.of(cursor, "MATCH", RESERVATION_PREFIX + "*", "COUNT", "500")).compose(page -> {
      String next = page.get(0).toString();
      List<String> keys = new ArrayList<>();
      page.get(1).forEach(k -> keys.add(k.toString()));
      Future<Void> read = keys.isEmpty() ? Future.succeededFuture() : redis.mget(keys).map(values -> {
        for (int i = 0; i < keys.size(); i++) {
          Reservation r = values.get(i) == null ? null
              : parse(keys.get(i).substring(RESERVATION_PREFIX.length()), values.get(i).toString());
          if (r != null && r.takenAtMillis() < cutoffMillis) {
            found.add(r);
          }
        }
        return null;
      });
      return read.compose(v -> "0".equals(next) ? Future.succeededFuture(found) : scan(next, cutoffMillis, found));
    });
  }

  private static Reservation parse(String orderId, String record) {
    int bar = record.indexOf('|');
    if (bar < 0) {
      return null; // the older form: units only, neither time nor products
    }
    try {
      Map<Long, Integer> quantities = new java.util.LinkedHashMap<>();
      for (String line : record.substring(bar + 1).split(",")) {
        int colon = line.indexOf(':');
        quantities.put(Long.parseLong(line.substring(0, colon)), Integer.parseInt(line.substring(colon + 1)));
      }
      return new Reservation(orderId, Long.parseLong(record.substring(0, bar)), quantities);
    } catch (RuntimeException e) {
      return null; // not written by this ledger
    }
  }

  /** Units available for {@code productId}, or null when it has no stock record. */
  public Future<Long> available(long productId) {
    return redis.get(StockKeys.stock(productId)).map(v -> v == null ? null : v.toLong());
  }

  private static List<String> args(String script, String orderId, Map<Long, Integer> quantities) {
    List<String> args = new ArrayList<>();
    args.add(script);
    args.add(Integer.toString(quantities.size() + 1));
    args.add(reservation(orderId));
    quantities.keySet().forEach(id -> args.add(StockKeys.stock(id)));
    quantities.values().forEach(q -> args.add(Integer.toString(q)));
    return args;
  }

  private static String reservation(String orderId) {
    return RESERVATION_PREFIX + orderId;
  }
}
