package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.gantry.gateway.route.RequestView;
import dev.gantry.gateway.route.RouteMatch;
import dev.gantry.gateway.route.RouteTable;
import dev.gantry.gateway.spec.GatewaySpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The indexed table picks exactly what a scan of all routes in order would pick. */
class RouteTableTest {
  private static String match(RouteTable table, String path) {
    RouteMatch m = table.match(RequestView.of("GET", "h", path));
    return m == null ? null : m.route().spec().id();
  }

  @Test
  void wildcardFirstSegmentsKeepTheirPlaceInTheOrder() {
    RouteTable table = new RouteTable(GatewaySpec.fromYaml("upstreams:\n  - {name: u, targets: [{url: 'http://127.0.0.1:1'}]}\n"
        + "routes:\n"
        + "  - {id: root-prefix, match: {path: /**}, upstream: u}\n"
        + "  - {id: any-tenant, priority: 5, match: {path: '/{tenant}/orders'}, upstream: u}\n"
        + "  - {id: api-prefix, match: {path: /api/**}, upstream: u}\n"
        + "  - {id: api-exact, match: {path: /api/ping}, upstream: u}\n"
        + "  - {id: root, match: {path: /}, upstream: u}\n").routes());
    assertEquals("api-exact", match(table, "/api/ping"));
    assertEquals("api-prefix", match(table, "/api/other"));
    assertEquals("api-prefix", match(table, "/api"));
    assertEquals("any-tenant", match(table, "/api/orders"), "priority 5 beats the /api prefix");
    assertEquals("any-tenant", match(table, "/acme/orders"));
    assertEquals("root", match(table, "/"));
    assertEquals("root-prefix", match(table, "/apix"), "/api/** does not match /apix");
    assertEquals("root-prefix", match(table, "/zzz/y"));
    RouteTable none = new RouteTable(GatewaySpec.fromYaml("upstreams:\n  - {name: u, targets: [{url: 'http://127.0.0.1:1'}]}\n"
        + "routes:\n  - {id: a, match: {path: /a/**}, upstream: u}\n").routes());
    assertNull(match(none, "/b"));
    assertEquals(Map.of("tenant", "acme"), table.match(RequestView.of("GET", "h", "/acme/orders")).params());
  }
}
