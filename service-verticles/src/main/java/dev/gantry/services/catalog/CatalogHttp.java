package dev.gantry.services.catalog;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.catalog.ListProducts;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import io.vertx.core.Future;

/**
 * The catalog as an HTTP-shaped service, for gateway routes with {@code service: catalog}:
 * {@code GET /products?limit=&cursor=} and {@code GET /products/{id}}.
 */
final class CatalogHttp {
  private final ProductStore store;

  CatalogHttp(ProductStore store) {
    this.store = store;
  }

  Future<HttpReply> handle(HttpCall call) {
    String path = call.path();
    if (!path.equals("/products") && !path.startsWith("/products/")) {
      return Future.succeededFuture(HttpReply.problem(Failure.NOT_FOUND, "no resource " + path, path));
    }
    if (!call.method().equals("GET") && !call.method().equals("HEAD")) {
      return Future.succeededFuture(HttpReply.problem(Failure.METHOD_NOT_ALLOWED,
          call.method() + " is not allowed on " + path, path));
    }
    if (path.equals("/products")) {
      String limit = call.param("limit");
      int n;
      try {
        n = limit == null ? ListProducts.DEFAULT_LIMIT : Integer.parseInt(limit);
      } catch (NumberFormatException e) {
        throw new ServiceException(Failure.BAD_REQUEST, "limit: must be an integer, got \"" + limit + "\"");
      }
      return store.page(new ListProducts(n, call.param("cursor"))).map(p -> HttpReply.json(200, p.toJson()));
    }
    String id = path.substring("/products/".length());
    long productId;
    try {
      productId = Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw new ServiceException(Failure.BAD_REQUEST, "id: must be a positive integer, got \"" + id + "\"");
    }
    return store.find(productId).map(p -> HttpReply.json(200, p.toJson()));
  }
}
