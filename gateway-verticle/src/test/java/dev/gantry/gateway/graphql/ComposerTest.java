package dev.gantry.gateway.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.graphql.FieldBinding;
import dev.gantry.codecs.graphql.FieldBinding.Kind;
import dev.gantry.codecs.graphql.SchemaPart;
import graphql.schema.DataFetcher;
import graphql.schema.GraphQLObjectType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComposerTest {
  private static final DataFetcher<Object> NONE = env -> null;

  static final String CATALOG = """
      type Product { id: ID! name: String! }
      extend type Query { product(id: ID!): Product }
      extend type OrderLine { product: Product }
      """;
  static final String ORDERS = """
      type OrderLine { productId: ID! quantity: Int! }
      type Order { id: ID! lines: [OrderLine!]! }
      extend type Query { order(id: ID!): Order }
      """;
  static final String INVENTORY = "extend type Product { stock: Int }";

  static SchemaPart catalog(long at) {
    return new SchemaPart("catalog", "n1", CATALOG, List.of(fetch("catalog", "Query.product"),
        new FieldBinding("OrderLine.product", Kind.BATCH, "gantry.graphql.catalog.OrderLine.product", "productId", null)), at);
  }

  static SchemaPart orders(long at) {
    return new SchemaPart("orders", "n2", ORDERS, List.of(fetch("orders", "Query.order")), at);
  }

  static SchemaPart inventory(long at) {
    return new SchemaPart("inventory", "n1", INVENTORY,
        List.of(new FieldBinding("Product.stock", Kind.BATCH, "gantry.graphql.inventory.Product.stock", "id", null)), at);
  }

  static FieldBinding fetch(String service, String coordinate) {
    return new FieldBinding(coordinate, Kind.FETCH, "gantry.graphql." + service + "." + coordinate, null, null);
  }

  @Test
  void aTypeExtendedByTwoServicesComposes() {
    Composer.Outcome out = Composer.compose(List.of(inventory(1), orders(2), catalog(3)), b -> NONE);
    assertEquals(java.util.Map.of(), out.refused());
    GraphQLObjectType line = out.composition().schema().getObjectType("OrderLine");
    assertNotNull(line.getFieldDefinition("product"), "the catalog's extension of the orders' type");
    assertNotNull(out.composition().schema().getObjectType("Product").getFieldDefinition("stock"));
    assertEquals(4, out.composition().bindings().size());
  }

  @Test
  void anExtensionOfATypeNoLiveServiceDefinesIsLeftOut() {
    Composer.Outcome out = Composer.compose(List.of(catalog(1), inventory(2)), b -> NONE);
    assertEquals(java.util.Map.of(), out.refused());
    assertNull(out.composition().schema().getObjectType("OrderLine"));
    assertTrue(out.composition().bindings().containsKey("Product.stock"));
    assertTrue(!out.composition().bindings().containsKey("OrderLine.product"));
  }

  @Test
  void aPartCannotRouteItsFieldsToAnotherServicesResolversOrEvents() {
    SchemaPart rogue = new SchemaPart("rogue", "n3", "type Receipt { id: ID }\nextend type Query { receipt: Receipt }",
        List.of(new FieldBinding("Query.receipt", Kind.FETCH, "gantry.graphql.orders.Mutation.placeOrder", null, null)), 9);
    Composer.Outcome out = Composer.compose(List.of(catalog(1), rogue), b -> NONE);
    assertTrue(out.refused().get("rogue").contains("binds Query.receipt to gantry.graphql.orders.Mutation.placeOrder"),
        out.refused().toString());
    SchemaPart listener = new SchemaPart("rogue", "n3", "type Purge { key: String }\nextend type Subscription { purges: Purge }",
        List.of(new FieldBinding("Subscription.purges", Kind.SUBSCRIBE, "gantry.cache.purge", "key", "key")), 9);
    out = Composer.compose(List.of(catalog(1), listener), b -> NONE);
    assertTrue(out.refused().get("rogue").contains("binds Subscription.purges to gantry.cache.purge"), out.refused().toString());
    assertNotNull(out.composition().schema().getQueryType().getFieldDefinition("product"), "the catalog's part stays");
  }

  @Test
  void aPartCannotTakeARootFieldAnotherServiceAdds() {
    SchemaPart rogue = new SchemaPart("rogue", "n3", "type Fake { id: ID }\nextend type Query { product(id: ID!): Fake }",
        List.of(fetch("rogue", "Query.product")), 9);
    Composer.Outcome out = Composer.compose(List.of(catalog(1), rogue), b -> NONE);
    assertTrue(out.refused().containsKey("rogue"), out.refused().toString());
    assertEquals("catalog", out.composition().bindings().get("Query.product").service());
  }

  @Test
  void aLaterConflictingPartIsRefusedNamingTheConflict() {
    SchemaPart rogue = new SchemaPart("rogue", "n3", "type Product { id: ID! price: Int }\nextend type Query { cheap: [Product] }",
        List.of(fetch("rogue", "Query.cheap")), 9);
    Composer.Outcome out = Composer.compose(List.of(catalog(1), rogue), b -> NONE);
    assertEquals(List.of("rogue"), List.copyOf(out.refused().keySet()));
    assertTrue(out.refused().get("rogue").contains("defines type Product, which catalog defines"), out.refused().toString());
    assertNotNull(out.composition().schema().getQueryType().getFieldDefinition("product"));
  }

  @Test
  void partsBreakingTheRulesAreRefused() {
    List<SchemaPart> bad = List.of(
        new SchemaPart("a", "n", "type Query { x: Int }", List.of(fetch("a", "Query.x")), 1),
        new SchemaPart("b", "n", "extend type Query { y: Int }", List.of(), 2),
        new SchemaPart("c", "n", "extend type Query { z: Int", List.of(fetch("c", "Query.z")), 3),
        new SchemaPart("d", "n", "extend type Query { w: Int }", List.of(fetch("d", "Query.other")), 4),
        new SchemaPart("e", "n", "scalar Money\nextend type Query { v: Money }", List.of(fetch("e", "Query.v")), 5),
        new SchemaPart("f", "n", "extend type Query { u(id: ID!): Nope }", List.of(fetch("f", "Query.u")), 6));
    Composer.Outcome out = Composer.compose(bad, b -> NONE);
    assertNull(out.composition());
    assertTrue(out.refused().get("a").contains("root fields are added with extend type Query"), out.refused().get("a"));
    assertTrue(out.refused().get("b").contains("without a resolver"), out.refused().get("b"));
    assertTrue(out.refused().get("c").contains("does not parse"), out.refused().get("c"));
    assertTrue(out.refused().get("d").contains("does not declare"), out.refused().get("d"));
    assertTrue(out.refused().get("e").contains("scalar Money"), out.refused().get("e"));
    assertTrue(out.refused().get("f").contains("Nope"), out.refused().get("f"));
  }

  @Test
  void aPartWaitingForATypeJoinsOnceItsOwnerIsThere() {
    SchemaPart reviews = new SchemaPart("reviews", "n4", "type Review { stars: Int }\nextend type Product { reviews: [Review!]! }\n"
        + "extend type Query { topRated: [Product!]! }",
        List.of(fetch("reviews", "Query.topRated"), new FieldBinding("Product.reviews", Kind.BATCH, "gantry.graphql.reviews.Product.reviews", "id", null)), 1);
    Composer.Outcome out = Composer.compose(List.of(reviews, catalog(5)), b -> NONE);
    assertEquals(java.util.Map.of(), out.refused());
    assertNotNull(out.composition().schema().getQueryType().getFieldDefinition("topRated"));
  }
}
