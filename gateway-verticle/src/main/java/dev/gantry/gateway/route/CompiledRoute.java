package dev.gantry.gateway.route;

import dev.gantry.gateway.policy.PolicyChain;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.spec.RouteSpec;
import java.util.Locale;
import java.util.Map;

/** A route with its pattern compiled and its match conditions ready to test. */
public final class CompiledRoute {
  private final RouteSpec spec;
  private final PathPattern pattern;
  private final String host;
  private final boolean wildcardHost;
  private final PolicyChain chain;

  CompiledRoute(RouteSpec spec, PolicyRuntime runtime) {
    this.spec = spec;
    this.chain = PolicyChain.of(spec.policies(), runtime); // built once per applied spec, not per request
    this.pattern = PathPattern.compile(spec.match().path());
    String h = spec.match().host();
    this.wildcardHost = h != null && h.startsWith("*.");
    this.host = h == null ? null : (wildcardHost ? h.substring(1) : h).toLowerCase(Locale.ROOT);
  }

  public RouteSpec spec() {
    return spec;
  }

  public PathPattern pattern() {
    return pattern;
  }

  /** The route's policies, composed. */
  public PolicyChain chain() {
    return chain;
  }

  /** How many conditions besides the path the route sets. */
  int conditions() {
    return (host == null ? 0 : 1) + (spec.match().methods().isEmpty() ? 0 : 1)
        + spec.match().headers().size() + spec.match().query().size();
  }

  /** Path parameters when the request matches every condition, else null. */
  Map<String, String> match(RequestView request) {
    if (!spec.match().methods().isEmpty() && !spec.match().methods().contains(request.method())) {
      return null;
    }
    if (host != null && !hostMatches(request.host())) {
      return null;
    }
    for (Map.Entry<String, String> h : spec.match().headers().entrySet()) {
      if (!valueMatches(request.header(h.getKey()), h.getValue())) {
        return null;
      }
    }
    for (Map.Entry<String, String> q : spec.match().query().entrySet()) {
      if (!valueMatches(request.param(q.getKey()), q.getValue())) {
        return null;
      }
    }
    return pattern.match(request.path());
  }

  private boolean hostMatches(String requestHost) {
    if (requestHost == null) {
      return false;
    }
    String h = requestHost.toLowerCase(Locale.ROOT);
    return wildcardHost ? h.endsWith(host) && h.length() > host.length() : h.equals(host);
  }

  private static boolean valueMatches(String actual, String expected) {
    return actual != null && ("*".equals(expected) || expected.equals(actual));
  }
}
