package dev.gantry.gateway.route;

import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.spec.RouteSpec;
import dev.gantry.gateway.spec.SpecReader;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Routes in the one order they are tried (only those whose first path segment can match are
 * looked at, through an index built with the table): higher {@code priority} first, then exact before
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
  /** Indexes into {@link #routes} of the routes that can match a first path segment, in order. */
  private final Map<String, int[]> byFirstSegment;
  /** Routes whose first segment is not a literal (a parameter, or a prefix of "/"): always tried. */
  private final int[] anyFirstSegment;

  /** A table whose policies are detached from any node (for checking a spec, tests, benchmarks). */
  public RouteTable(List<RouteSpec> specs) {
    this(specs, PolicyRuntime.detached());
  }

  public RouteTable(List<RouteSpec> specs, PolicyRuntime runtime) {
    List<CompiledRoute> compiled = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      RouteSpec spec = specs.get(i);
      try {
        CompiledRoute route = new CompiledRoute(spec, runtime);
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
    Map<String, List<Integer>> keyed = new HashMap<>();
    List<Integer> wild = new ArrayList<>();
    for (int i = 0; i < routes.length; i++) {
      String key = routes[i].pattern().firstSegment();
      if (key == null) {
        wild.add(i);
      } else {
        keyed.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
      }
    }
    this.anyFirstSegment = wild.stream().mapToInt(Integer::intValue).toArray();
    this.byFirstSegment = new HashMap<>();
    // Each list merges the key's routes with the wildcard ones, keeping the one global order.
    keyed.forEach((key, list) -> {
      List<Integer> merged = new ArrayList<>(list);
      merged.addAll(wild);
      byFirstSegment.put(key, merged.stream().mapToInt(Integer::intValue).sorted().toArray());
    });
  }

  /** The first route matching the request, or null. */
  public RouteMatch match(HttpServerRequest request) {
    return match(RequestView.of(request));
  }

  /** The first route matching the request, or null. */
  public RouteMatch match(RequestView request) {
    int[] candidates = byFirstSegment.getOrDefault(PathPattern.firstSegmentOf(request.path()), anyFirstSegment);
    for (int i : candidates) {
      CompiledRoute route = routes[i];
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
