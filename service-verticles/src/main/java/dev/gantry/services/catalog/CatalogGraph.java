package dev.gantry.services.catalog;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.codecs.catalog.ListProducts;
import dev.gantry.codecs.catalog.Product;
import dev.gantry.services.sdk.GraphqlKeys;
import dev.gantry.services.sdk.GraphqlPart;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The catalog's part of the GraphQL schema ({@code graphql/catalog.graphqls}): products, pages of them, order lines' products. */
final class CatalogGraph {
  private CatalogGraph() {}

  static GraphqlPart part(String sdl, ProductStore store) {
    return new GraphqlPart(CatalogVerticle.SERVICE, sdl)
        .fetch("Query.products", (args, source, env) -> {
          int first = args.getValue("first") instanceof Number n ? n.intValue() : ListProducts.DEFAULT_LIMIT;
          String after = args.getValue("after") instanceof String s ? s : null;
          return store.page(new ListProducts(first, after)).map(page -> {
            JsonArray edges = new JsonArray();
            page.items().forEach(p -> edges.add(new JsonObject().put("cursor", ProductStore.encodeCursor(p.id()))
                .put("node", p.toJson())));
            String end = page.items().isEmpty() ? null : ProductStore.encodeCursor(page.items().get(page.items().size() - 1).id());
            return new JsonObject().put("edges", edges)
                .put("pageInfo", new JsonObject().put("hasNextPage", page.nextCursor() != null).put("endCursor", end));
          });
        })
        .fetch("Query.product", (args, source, env) -> {
          Long id = GraphqlKeys.positive(args.getValue("id"));
          if (id == null) {
            return Future.failedFuture(new ServiceException(Failure.BAD_REQUEST,
                "id: must be a positive integer, got " + args.getValue("id")));
          }
          return store.findMany(List.of(id)).map(found -> found.get(0) == null ? null : found.get(0).toJson());
        })
        .batch("OrderLine.product", "productId", (keys, args, env) -> store.findMany(GraphqlKeys.longs(keys))
            .map(found -> {
              List<Object> values = new ArrayList<>(found.size());
              found.forEach(p -> values.add(p == null ? null : ((Product) p).toJson()));
              return values;
            }));
  }
}
