package dev.gantry.gateway.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.graphql.FieldBinding;
import dev.gantry.codecs.graphql.SchemaPart;
import dev.gantry.gateway.spec.GraphqlSpec;
import graphql.language.Document;
import graphql.language.OperationDefinition;
import graphql.parser.Parser;
import graphql.schema.GraphQLSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryLimitsTest {
  static final GraphQLSchema SCHEMA = Composer.compose(List.of(new SchemaPart("s", "n", """
      type Item { id: ID! name: String children(first: Int): [Item!]! tags: [String!]! }
      type ItemConnection { edges: [ItemEdge!]! }
      type ItemEdge { node: Item! }
      extend type Query { item(id: ID!): Item items(first: Int = 20): ItemConnection! all: [Item!]! }
      """, List.of(fetch("Query.item"), fetch("Query.items"), fetch("Query.all")), 1)), b -> env -> null)
      .composition().schema();

  static FieldBinding fetch(String coordinate) {
    return new FieldBinding(coordinate, FieldBinding.Kind.FETCH, "gantry.graphql.s." + coordinate, null, null);
  }

  static GraphqlSpec spec(int depth, int cost, int aliases, int roots) {
    return new GraphqlSpec(depth, cost, aliases, roots, 1 << 20, 10, Map.of("Item.children", 3), false, false,
        GraphqlSpec.Persisted.APQ, true, 8);
  }

  static QueryLimits.Breach check(String query, GraphqlSpec spec, Map<String, Object> variables) {
    Document doc = Parser.parse(query);
    return QueryLimits.check(SCHEMA, doc, doc.getDefinitionsOfType(OperationDefinition.class).get(0), variables, spec);
  }

  @Test
  void aConditionalDirectiveWithoutItsIfArgumentOnASubscriptionIsA400NotAnInternalError() {
    // found by fuzzing (fuzz/RESULTS.md): graphql-java's validation asserted on it
    Operations.Refused refused = org.junit.jupiter.api.Assertions.assertThrows(Operations.Refused.class,
        () -> Operations.parse(SCHEMA, "subscription { all @include(ig: true) { id } }", GraphqlSpec.DEFAULTS));
    assertEquals(400, refused.status);
    assertEquals("the query is not valid: The 'if' argument must be present", refused.getMessage());
  }

  @Test
  void costMultipliesBySizeArgumentsDefaultsAndListSizes() {
    GraphqlSpec loose = spec(20, 1_000_000, 100, 100);
    // items: 1 + 20 (default first) x (edges 1 + node 1 + name 1)
    assertEquals(null, check("{ items { edges { node { name } } } }", spec(20, 61, 100, 100), Map.of()));
    QueryLimits.Breach over = check("{ items { edges { node { name } } } }", spec(20, 60, 100, 100), Map.of());
    assertEquals(61, over.actual());
    // a variable's value counts: 100 x 3 + 1
    assertEquals(301, check("query($n: Int) { items(first: $n) { edges { node { name } } } }", spec(20, 1, 100, 100),
        Map.of("n", 100)).actual());
    // a list without a size argument counts the default list size; children weigh 3 each
    assertEquals(1 + 10 * (1 + 3 + 5 * 1), check("{ all { id children(first: 5) { id } } }", spec(20, 1, 100, 100), Map.of()).actual());
    assertNull(check("{ item(id: 1) { name } }", loose, Map.of()));
  }

  @Test
  void fragmentsSpreadManyTimesAreMeasuredOnceAndSaturate() {
    // the "billion laughs" of GraphQL: each fragment spreads the one below ten times, nine levels deep
    StringBuilder q = new StringBuilder("query { all { ...F0 } }\n");
    for (int i = 0; i < 9; i++) {
      q.append("fragment F").append(i).append(" on Item { children(first: 100) { ");
      for (int j = 0; j < 10; j++) {
        q.append("a").append(j).append(": ").append("id ");
      }
      q.append("...F").append(i + 1).append(" } }\n");
    }
    q.append("fragment F9 on Item { id }\n");
    QueryLimits.Breach breach = assertTimeoutPreemptively(Duration.ofSeconds(5),
        () -> check(q.toString(), spec(100, 1_000_000, 1_000_000, 100), Map.of()));
    assertEquals("MAX_COST_EXCEEDED", breach.code());
    assertTrue(breach.actual() > 1_000_000L, "saturating, not overflowing: " + breach.actual());
  }

  @Test
  void graphiqlsIntrospectionQueryPassesWhereIntrospectionIsOn() {
    GraphqlSpec open = new GraphqlSpec(6, 100, 30, 20, 1 << 20, 10, Map.of(), true, true, GraphqlSpec.Persisted.APQ, true, 8);
    assertNull(check(graphql.introspection.IntrospectionQuery.INTROSPECTION_QUERY, open, Map.of()));
    String deeper = "{ __schema { types { fields { type { fields { type { fields { type { fields { type { fields { type { fields "
        + "{ type { fields { type { name } } } } } } } } } } } } } } } } }";
    assertEquals("MAX_DEPTH_EXCEEDED", check(deeper, open, Map.of()).code());
  }

  @Test
  void depthAliasesRootFieldsAndIntrospectionAreEachNamed() {
    assertEquals("MAX_DEPTH_EXCEEDED", check("{ all { children { children { id } } } }", spec(3, 1 << 30, 10, 10), Map.of()).code());
    assertEquals(4, check("{ all { children { children { id } } } }", spec(3, 1 << 30, 10, 10), Map.of()).actual());
    assertEquals("MAX_ALIASES_EXCEEDED", check("{ a: all { b: id c: id } }", spec(10, 1 << 30, 2, 10), Map.of()).code());
    assertEquals("MAX_ROOT_FIELDS_EXCEEDED", check("query { all { id } ... on Query { item(id: 1) { id } items { edges { node { id } } } } }",
        spec(10, 1 << 30, 10, 2), Map.of()).code());
    assertEquals("INTROSPECTION_DISABLED", check("{ all { id } __type(name: \"Item\") { name } }", spec(10, 1 << 30, 10, 10), Map.of()).code());
    assertNull(check("{ all { __typename id } }", spec(10, 1 << 30, 10, 10), Map.of()));
    assertTrue(check("{ items(first: 99999999999999999999) { edges { node { id } } } }", spec(10, 100, 10, 10), Map.of())
        .message().contains("beyond counting"));
  }
}
