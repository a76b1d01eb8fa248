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
  public static final String SERVICE = "inventory";
  public static final String VERSION = "v1";
  private Redis redis;
  private ServiceEndpoints endpoints;

  public InventoryVerticle(ServiceBackends backends, ServiceContext context) {
    this.backends = backends;
    this.context = context;
  }

  @Override
  public Future<?> start() {
    redis = backends.redis(vertx);
    InventoryHttp http = new InventoryHttp(RedisAPI.api(redis));
    endpoints = new ServiceEndpoints(vertx, context);
    return Future.all(
        endpoints.bind(Addresses.INVENTORY_GET, GetStock.class, (q, env) -> http.stock(q.productId())),
        endpoints.bindHttp(SERVICE, VERSION, (call, env) -> http.handle(call)))
        .compose(v -> vertx.fileSystem().readFile("graphql/inventory.graphqls"))
        .compose(sdl -> endpoints.bindGraphql(InventoryGraph.part(sdl.toString(), http)));
  }

  @Override
  public Future<?> stop() {
    Future<Void> unpublished = endpoints == null ? Future.succeededFuture() : endpoints.close();
    return unpublished.eventually(() -> redis == null ? Future.succeededFuture() : redis.close());
  }
}
