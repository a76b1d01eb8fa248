package dev.gantry.services.inventory;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.inventory.GetStock;
import dev.gantry.codecs.inventory.StockLevel;
import dev.gantry.services.sdk.ServiceBackends;
import dev.gantry.services.sdk.ServiceContext;
import dev.gantry.services.sdk.ServiceEndpoints;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;

/** Serves stock levels from Redis. */
public final class InventoryVerticle extends VerticleBase {
  private final ServiceBackends backends;
  private final ServiceContext context;
  private Redis redis;

  public InventoryVerticle(ServiceBackends backends, ServiceContext context) {
    this.backends = backends;
    this.context = context;
  }

  @Override
  public Future<?> start() {
    redis = backends.redis(vertx);
    RedisAPI api = RedisAPI.api(redis);
    return new ServiceEndpoints(vertx, context).bind(Addresses.INVENTORY_GET, GetStock.class,
        (q, env) -> api.get(StockKeys.stock(q.productId())).map(value -> {
          if (value == null) {
            throw new ServiceException(Failure.NOT_FOUND,
                "productId: product " + q.productId() + " has no stock record");
          }
          return new StockLevel(q.productId(), value.toLong());
        }));
  }

  @Override
  public Future<?> stop() {
    return redis == null ? Future.succeededFuture() : redis.close();
  }
}
