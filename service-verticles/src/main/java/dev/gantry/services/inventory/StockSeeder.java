package dev.gantry.services.inventory;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives every product its initial stock in Redis unless it already has a stock record, so a
 * restart (or a second node) never resets stock that orders have moved.
 */
public final class StockSeeder {
  private StockSeeder() {}

  /** The future holds how many products got their initial stock. */
  public static Future<Integer> seed(Pool pool, RedisAPI redis) {
    return pool.query("SELECT id, initial_stock FROM products").execute().compose(rows -> {
      List<Future<Boolean>> sets = new ArrayList<>();
      for (Row row : rows) {
        sets.add(redis.setnx(StockKeys.stock(row.getLong("id")),
            Integer.toString(row.getInteger("initial_stock"))).map(r -> r.toInteger() == 1));
      }
      return Future.all(sets).map(all -> (int) sets.stream().filter(f -> f.result()).count());
    });
  }
}
