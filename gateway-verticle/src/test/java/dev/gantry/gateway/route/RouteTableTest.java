package dev.gantry.gateway.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.spec.GatewaySpec;
import dev.gantry.gateway.spec.RouteSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
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

  private static final String[] SEGMENTS = {"a", "b", "api", "x1"};
  private static final String[] HOSTS = {"h", "shop.example.com", "other.example.com"};

  @Test
  void onGeneratedRouteSetsTheIndexPicksWhatAScanOfAllRoutesInOrderPicks() {
    int tables = 0;
    int matched = 0;
    int missed = 0;
    for (long seed = 1; seed <= 200; seed++) {
      Random random = new Random(seed);
      StringBuilder yaml = new StringBuilder("upstreams:\n  - {name: u, targets: [{url: 'http://127.0.0.1:1'}]}\nroutes:\n");
      int count = 1 + random.nextInt(12);
      for (int i = 0; i < count; i++) {
        yaml.append("  - {id: r").append(i).append(", priority: ").append(random.nextInt(3) == 0 ? 1 : 0)
            .append(", match: {path: '").append(pattern(random)).append('\'');
        if (random.nextInt(4) == 0) {
          yaml.append(", methods: [POST]");
        }
        if (random.nextInt(5) == 0) {
          yaml.append(", host: '*.example.com'");
        }
        if (random.nextInt(5) == 0) {
          yaml.append(", headers: {X-T: '*'}");
        }
        yaml.append("}, upstream: u}\n");
      }
      List<RouteSpec> specs;
      try {
        specs = GatewaySpec.fromYaml(yaml.toString()).routes();
      } catch (RuntimeException e) {
        continue; // a generated set the spec refuses (two routes alike) is not a table
      }
      RouteTable table = new RouteTable(specs);
      tables++;
      List<CompiledRoute> scan = new ArrayList<>();
      specs.forEach(spec -> scan.add(new CompiledRoute(spec, PolicyRuntime.detached())));
      scan.sort(RouteTable.ORDER);
      assertEquals(scan.stream().map(r -> r.spec().id()).toList(), table.order(), "seed " + seed);
      for (int q = 0; q < 60; q++) {
        RequestView request = request(random);
        RouteMatch indexed = table.match(request);
        CompiledRoute first = null;
        Map<String, String> params = null;
        for (CompiledRoute route : scan) {
          params = route.match(request);
          if (params != null) {
            first = route;
            break;
          }
        }
        String what = "seed " + seed + ", " + request.method() + " " + request.host() + request.path()
            + (request.header("X-T") != null ? " with X-T" : "") + "\n" + yaml;
        assertEquals(first == null ? null : first.spec().id(), indexed == null ? null : indexed.route().spec().id(), what);
        if (first != null) {
          assertEquals(params, indexed.params(), what);
          matched++;
        } else {
          missed++;
        }
      }
    }
    // The generator must make tables, and requests that some route matches and some none does.
    assertTrue(tables >= 150 && matched >= 2000 && missed >= 500, tables + " tables, " + matched + " matched, " + missed + " missed");
  }

  /** Exact, template or prefix, zero to three segments, literals from a small set so routes overlap. */
  private static String pattern(Random random) {
    int depth = random.nextInt(4);
    int kind = random.nextInt(3);
    StringBuilder path = new StringBuilder();
    for (int d = 0; d < depth; d++) {
      path.append('/').append(kind == 1 && random.nextInt(2) == 0 ? "{p" + d + "}" : SEGMENTS[random.nextInt(SEGMENTS.length)]);
    }
    if (kind == 2) {
      return path + "/**";
    }
    if (kind == 1 && path.indexOf("{") < 0) {
      path.append("/{last}");
    }
    return path.length() == 0 ? "/" : path.toString();
  }

  private static RequestView request(Random random) {
    int depth = random.nextInt(5);
    StringBuilder path = new StringBuilder();
    for (int d = 0; d < depth; d++) {
      path.append('/').append(random.nextInt(6) == 0 ? "zz" : SEGMENTS[random.nextInt(SEGMENTS.length)]);
    }
    String p = path.length() == 0 ? "/" : path.toString();
    String method = random.nextBoolean() ? "GET" : "POST";
    String host = HOSTS[random.nextInt(HOSTS.length)];
    boolean header = random.nextBoolean();
    return new RequestView() {
      @Override
      public String method() {
        return method;
      }

      @Override
      public String host() {
        return host;
      }

      @Override
      public String path() {
        return p;
      }

      @Override
      public String header(String name) {
        return header && name.equalsIgnoreCase("X-T") ? "1" : null;
      }

      @Override
      public String param(String name) {
        return null;
      }
    };
  }
}
