package dev.gantry.gateway.api;

import dev.gantry.gateway.spec.GatewaySpec;
import dev.gantry.gateway.spec.RouteSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The reference API as ordinary {@code service:} routes, seeded into the route table beside the
 * route file's: {@code /api/products/**} to the catalog, {@code /api/inventory/**} to inventory,
 * {@code /api/orders/**} to orders, {@code /api/analytics/**} to the warehouse, and {@code /graphql} serving the
 * schema the services publish. Being routes, they get the same policies, metrics and
 * resilience as any other, and can be changed or removed through the admin API like any other.
 */
public final class ReferenceRoutes {
  static final String YAML = """
      routes:
        - {id: api.products, match: {path: /api/products/**}, service: catalog, rewrite: /products}
        - {id: api.inventory, match: {path: /api/inventory/**}, service: inventory, rewrite: /stock}
        - {id: api.orders, match: {path: /api/orders/**}, service: orders, rewrite: /orders}
        - {id: api.analytics, match: {path: /api/analytics/**}, service: analytics, rewrite: /analytics}
        - {id: api.graphql, match: {path: /graphql/**}, graphql: {}}
      """;

  private ReferenceRoutes() {}

  /** {@code seed} plus the reference routes whose ids it does not use itself. */
  public static GatewaySpec with(GatewaySpec seed) {
    Set<String> taken = seed.routes().stream().map(RouteSpec::id).collect(Collectors.toSet());
    List<RouteSpec> routes = new ArrayList<>(seed.routes());
    GatewaySpec.fromYaml(YAML).routes().stream().filter(r -> !taken.contains(r.id())).forEach(routes::add);
    return new GatewaySpec(seed.policies(), routes, seed.upstreams());
  }
}
