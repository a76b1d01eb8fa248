package dev.gantry.gateway.route;

import dev.gantry.gateway.spec.RouteSpec;
import dev.gantry.gateway.spec.SpecReader;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Routes in the one order they are tried: higher {@code priority} first, then exact before
 * template before prefix, then more literal characters, then more conditions (host, methods,
 * headers, query), then id. Immutable; a change builds a
 * new table.
 */
public final class RouteTable {
  static final Comparator<CompiledRoute> ORDER = Comparator
      .comparingInt((CompiledRoute r) -> -r.spec().priority())
      .thenComparing(r -> -r.pattern().kind().ordinal())
      .thenComparingInt(r -> -r.pattern().literalLength())
      .thenComparingInt(r -> -r.conditions())
      .thenComparing(r -> r.spec().id());

  private final CompiledRoute[] routes;

  public RouteTable(List<RouteSpec> specs) {
    List<CompiledRoute> compiled = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      RouteSpec spec = specs.get(i);
      try {
        CompiledRoute route = new CompiledRoute(spec);
        if (spec.rewrite() != null && !spec.rewrite().startsWith("/")) {
          throw new IllegalArgumentException("rewrite must start with /");
        }
        compiled.add(route);
      } catch (IllegalArgumentException e) {
        throw SpecReader.invalid("routes[" + i + "].match.path", e.getMessage());
      }
    }
    compiled.sort(ORDER);
    this.routes = compiled.toArray(CompiledRoute[]::new);
  }

  /** The first route matching the request, or null. */
  public RouteMatch match(HttpServerRequest request) {
    for (CompiledRoute route : routes) {
      Map<String, String> params = route.match(request);
      if (params != null) {
        return new RouteMatch(route, params);
      }
    }
    return null;
  }

  public List<String> order() {
    return List.of(routes).stream().map(r -> r.spec().id()).toList();
  }
}
