package dev.gantry.gateway.route;

import java.util.Map;

/** The route a request matched and the path parameters it bound. */
public record RouteMatch(CompiledRoute route, Map<String, String> params) {
  /** The path to send upstream, after the route's rewrite. */
  public String upstreamPath(String path) {
    return route.pattern().rewrite(path, params, route.spec().rewrite());
  }
}
