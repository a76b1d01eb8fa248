package dev.gantry.services.inventory;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import dev.gantry.codecs.inventory.StockLevel;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.util.List;

/** Inventory as an HTTP-shaped service, for routes with {@code service: inventory}: {@code GET /stock/{productId}}. */
final class InventoryHttp {
  private final RedisAPI redis;

  InventoryHttp(RedisAPI redis) {
    this.redis = redis;
  }

  Future<HttpReply> handle(HttpCall call) {
    String path = call.path();
    if (!path.startsWith("/stock/") || path.indexOf('/', "/stock/".length()) >= 0) {
      return Future.succeededFuture(HttpReply.problem(Failure.NOT_FOUND, "no resource " + path, path));
    }
    if (!call.method().equals("GET") && !call.method().equals("HEAD")) {
      return Future.succeededFuture(HttpReply.problem(Failure.METHOD_NOT_ALLOWED,
          call.method() + " is not allowed on " + path, path));
    }
    long productId = positiveId(path.substring("/stock/".length()), "productId");
    return stock(productId).map(level -> HttpReply.json(200, level.toJson()));
  }

  Future<StockLevel> stock(long productId) {
    return redis.get(StockKeys.stock(productId)).map(value -> {
      if (value == null) {
        throw new ServiceException(Failure.NOT_FOUND, "productId: product " + productId + " has no stock record");
      }
      return new StockLevel(productId, value.toLong());
    });
  }

  /** Units available of each product, in their order; null for one without a stock record. */
  Future<List<Long>> levels(List<Long> productIds) {
    if (productIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<String> keys = productIds.stream().map(id -> StockKeys.stock(id == null ? 0 : id)).toList();
    return redis.mget(keys).map(values -> {
      List<Long> levels = new java.util.ArrayList<>(productIds.size());
      for (int i = 0; i < productIds.size(); i++) {
        var value = values.get(i);
        levels.add(productIds.get(i) == null || value == null ? null : value.toLong());
      }
      return levels;
    });
  }

  static long positiveId(String text, String name) {
    try {
      long id = Long.parseLong(text);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // reported below with the parameter's name
    }
    throw new ServiceException(Failure.BAD_REQUEST, name + ": must be a positive integer, got \"" + text + "\"");
  }
}
