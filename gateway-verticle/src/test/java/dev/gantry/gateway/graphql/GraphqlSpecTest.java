package dev.gantry.gateway.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.ServiceException;
import dev.gantry.gateway.spec.GatewaySpec;
import dev.gantry.gateway.spec.GraphqlSpec;
import dev.gantry.gateway.spec.TargetSpec;
import org.junit.jupiter.api.Test;

/** The graphql: and aggregate: targets as the route file and the admin API write them. */
class GraphqlSpecTest {
  static TargetSpec target(String route) {
    return GatewaySpec.fromYaml("routes:\n  - " + route + "\n").routes().get(0).targets().get(0);
  }

  static String refusal(String route) {
    return assertThrows(ServiceException.class, () -> target(route)).getMessage();
  }

  @Test
  void readsTheLimitsWithDefaultsForTheRest() {
    TargetSpec t = target("{id: g, match: {path: /g/**}, graphql: {max-depth: 5, persisted: allow-list, field-costs: {Product.stock: 3}}}");
    assertEquals(TargetSpec.Kind.GRAPHQL, t.kind());
    assertEquals(5, t.graphql().maxDepth());
    assertEquals(GraphqlSpec.Persisted.ALLOW_LIST, t.graphql().persisted());
    assertEquals(3, t.graphql().cost("Product.stock"));
    assertEquals(GraphqlSpec.DEFAULTS.maxCost(), t.graphql().maxCost());
    assertEquals(GraphqlSpec.DEFAULTS, target("{id: g, match: {path: /g/**}, graphql: true}").graphql());
  }

  @Test
  void refusesWhatItDoesNotKnowNamingThePath() {
    assertTrue(refusal("{id: g, match: {path: /g/**}, graphql: {max-depht: 5}}").contains("max-depht"));
    assertTrue(refusal("{id: g, match: {path: /g/**}, graphql: {persisted: sometimes}}")
        .contains("persisted: must be off, apq or allow-list"));
    assertTrue(refusal("{id: g, match: {path: /g/**}, graphql: {graphiql: true}}").contains("set introspection: true too"));
    assertTrue(refusal("{id: g, match: {path: /g/**}, graphql: {max-depth: 0}}").contains("max-depth"));
    assertTrue(refusal("{id: g, match: {path: /g/**}, graphql: {field-costs: {stock: 2}}}").contains("Type.field"));
    assertTrue(refusal("{id: g, match: {path: /g/**}, graphql: {}, upstream: x}").contains("exactly one of"));
  }

  @Test
  void anAggregateNamesItsPartsAndOnlyTheRoutesParameters() {
    TargetSpec t = target("{id: a, match: {path: '/p/{id}'}, aggregate: {parts: [{name: product, service: catalog, "
        + "path: '/products/{id}', required: true}, {name: reviews, upstream: r, path: '/r?q={query.q}', timeout-ms: 200}]}}");
    assertEquals(2, t.aggregate().parts().size());
    assertTrue(t.aggregate().parts().get(0).required());
    assertEquals(200, t.aggregate().parts().get(1).timeoutMillis());
    assertTrue(refusal("{id: a, match: {path: '/p/{id}'}, aggregate: {parts: [{name: x, service: c, path: '/x/{sku}'}]}}")
        .contains("{sku} is not a parameter of the route's path"));
    assertTrue(refusal("{id: a, match: {path: /p}, aggregate: {parts: []}}").contains("at least one part"));
    assertTrue(refusal("{id: a, match: {path: /p}, aggregate: {parts: [{name: x, service: c, upstream: u, path: /x}]}}")
        .contains("exactly one of service or upstream"));
    assertTrue(refusal("{id: a, match: {path: /p}, aggregate: {parts: [{name: x, service: c, path: /x}, "
        + "{name: x, service: d, path: /y}]}}").contains("another part is named x"));
    assertTrue(refusal("{id: a, match: {path: /p}, aggregate: {parts: [{name: x, service: c, path: '/x {'}]}}")
        .contains("path"));
  }
}
