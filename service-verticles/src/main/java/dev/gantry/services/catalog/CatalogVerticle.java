package dev.gantry.services.catalog;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.catalog.GetProduct;
import dev.gantry.codecs.catalog.ListProducts;
import dev.gantry.services.sdk.ServiceBackends;
import dev.gantry.services.sdk.ServiceEndpoints;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

/** Serves the catalog addresses from Postgres. */
public final class CatalogVerticle extends VerticleBase {
  private final ServiceBackends backends;
  private final String nodeId;
  private Pool pool;

  public CatalogVerticle(ServiceBackends backends, String nodeId) {
    this.backends = backends;
    this.nodeId = nodeId;
  }

  @Override
  public Future<?> start() {
    pool = backends.pgPool(vertx);
    ProductStore store = new ProductStore(pool);
    ServiceEndpoints endpoints = new ServiceEndpoints(vertx, nodeId);
    return Future.all(
        endpoints.bind(Addresses.CATALOG_LIST, ListProducts.class, (q, env) -> store.page(q)),
        endpoints.bind(Addresses.CATALOG_GET, GetProduct.class, (q, env) -> store.find(q.id())));
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
