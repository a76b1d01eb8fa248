package dev.gantry.services.catalog;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.catalog.GetProduct;
import dev.gantry.codecs.catalog.ListProducts;
import dev.gantry.services.sdk.ServiceBackends;
import dev.gantry.services.sdk.ServiceContext;
import dev.gantry.services.sdk.ServiceEndpoints;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

/** Serves the catalog addresses from Postgres. */
public final class CatalogVerticle extends VerticleBase {
  private final ServiceBackends backends;
  private final ServiceContext context;
  public static final String SERVICE = "catalog";
  public static final String VERSION = "v1";
  private Pool pool;
  private ServiceEndpoints endpoints;

  public CatalogVerticle(ServiceBackends backends, ServiceContext context) {
    this.backends = backends;
    this.context = context;
  }

  @Override
  public Future<?> start() {
    pool = backends.pgPool(vertx);
    ProductStore store = new ProductStore(pool);
    CatalogHttp http = new CatalogHttp(store);
    endpoints = new ServiceEndpoints(vertx, context);
    return Future.all(
        endpoints.bind(Addresses.CATALOG_LIST, ListProducts.class, (q, env) -> store.page(q)),
        endpoints.bind(Addresses.CATALOG_GET, GetProduct.class, (q, env) -> store.find(q.id())),
        endpoints.bindHttp(SERVICE, VERSION, (call, env) -> http.handle(call)))
        .compose(v -> vertx.fileSystem().readFile("graphql/catalog.graphqls"))
        .compose(sdl -> endpoints.bindGraphql(CatalogGraph.part(sdl.toString(), store)));
  }

  @Override
  public Future<?> stop() {
    Future<Void> unpublished = endpoints == null ? Future.succeededFuture() : endpoints.close();
    return unpublished.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
