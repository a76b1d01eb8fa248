package dev.gantry.services.inventory;

import dev.gantry.services.sdk.GraphqlKeys;
import dev.gantry.services.sdk.GraphqlPart;

/** The inventory's part of the GraphQL schema ({@code graphql/inventory.graphqls}): a product's stock, many at once. */
final class InventoryGraph {
  private InventoryGraph() {}

  static GraphqlPart part(String sdl, InventoryHttp inventory) {
    return new GraphqlPart(InventoryVerticle.SERVICE, sdl)
        .batch("Product.stock", "id", (keys, args, env) -> inventory.levels(GraphqlKeys.longs(keys))
            .map(levels -> (java.util.List<?>) levels));
  }
}
