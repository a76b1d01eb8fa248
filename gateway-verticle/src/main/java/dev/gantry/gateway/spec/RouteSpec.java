package dev.gantry.gateway.spec;

import dev.gantry.gateway.policy.PolicyRegistry;
import dev.gantry.gateway.policy.PolicySpec;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One route: what it matches, where it sends traffic and with which policies. {@code source} is
 * the JSON it was read from, served back unchanged by the admin API.
 *
 * @param timeoutMillis deadline of a request on this route, or -1 for the gateway's default
 * @param maxBodyBytes  largest request body, or -1 for the gateway's default
 * @param policies      the route's policies, in the order they run (phase, then as listed)
 */
public record RouteSpec(String id, int priority, MatchSpec match, List<TargetSpec> targets,
    String pinHeader, String pinCookie, ShadowSpec shadow, String rewrite, HeaderOps requestHeaders,
    HeaderOps responseHeaders, long maxBodyBytes, long timeoutMillis, RetrySpec retry,
    BreakerSpec breaker, List<PolicySpec> policies, JsonObject source) {

  static final java.util.Set<String> FIELDS = java.util.Set.of("id", "priority", "match", "upstream", "service", "static", "graphql", "aggregate",
      "version", "split", "pin", "shadow", "rewrite", "request-headers", "response-headers", "max-body-bytes",
      "timeout-ms", "retry", "breaker", "name", "weight", "policies");

  public RouteSpec {
    targets = List.copyOf(targets);
    policies = List.copyOf(policies);
  }

  public static RouteSpec fromJson(JsonObject json, String path) {
    return fromJson(json, path, PolicyRegistry.builtIn());
  }

  /** Reads a route whose {@code policies:} may use the types of {@code policyTypes}. */
  public static RouteSpec fromJson(JsonObject json, String path, PolicyRegistry policyTypes) {
    SpecReader r = SpecReader.of(json, path);
    r.only(FIELDS);
    String id = r.name("id");
    List<TargetSpec> targets = new ArrayList<>();
    List<SpecReader> split = r.objects("split");
    if (!split.isEmpty()) {
      for (SpecReader s : split) {
        targets.add(TargetSpec.read(s, true));
        s.done();
      }
      if (targets.stream().mapToInt(TargetSpec::weight).sum() == 0) {
        throw SpecReader.invalid(r.path("split"), "weights must not all be 0");
      }
      if (targets.stream().map(TargetSpec::label).distinct().count() != targets.size()) {
        throw SpecReader.invalid(r.path("split"), "target names must differ (set name:)");
      }
    }
    if (r.has("upstream") || r.has("service") || r.has("static") || r.has("graphql") || r.has("aggregate")) {
      if (!targets.isEmpty()) {
        throw SpecReader.invalid(r.path("split"), "give either split or a single upstream/service/static/graphql/aggregate");
      }
      targets.add(TargetSpec.read(r, false));
    }
    if (targets.isEmpty()) {
      throw SpecReader.invalid(r.path("upstream"), "a target is required: upstream, service, static, graphql, aggregate or split");
    }
    SpecReader pin = r.object("pin");
    String pinHeader = pin == null ? null : pin.string("header", null);
    String pinCookie = pin == null ? null : pin.string("cookie", null);
    if (pin != null) {
      pin.done();
    }
    SpecReader match = r.object("match");
    if (match == null) {
      throw SpecReader.invalid(r.path("match"), "is required");
    }
    RouteSpec spec = new RouteSpec(id, (int) r.integer("priority", 0, -1_000_000, 1_000_000),
        MatchSpec.read(match), targets, pinHeader,
        pinCookie, ShadowSpec.read(r.object("shadow")), r.string("rewrite", null),
        HeaderOps.read(r.object("request-headers")), HeaderOps.read(r.object("response-headers")),
        r.integer("max-body-bytes", -1, -1, 1L << 40), r.integer("timeout-ms", -1, -1, 3_600_000),
        RetrySpec.read(r.object("retry")), BreakerSpec.read(r.object("breaker")),
        policyTypes.read(r.raw("policies"), r.path("policies"), false), json.copy());
    r.done();
    for (TargetSpec target : targets) {
      if (target.aggregate() != null) {
        java.util.List<String> declared = dev.gantry.gateway.route.PathPattern.compile(spec.match().path()).parameters();
        for (int i = 0; i < target.aggregate().parts().size(); i++) {
          for (String name : target.aggregate().parts().get(i).pathParameters()) {
            if (!declared.contains(name)) {
              throw SpecReader.invalid(r.path("aggregate") + ".parts[" + i + "].path", "{" + name
                  + "} is not a parameter of the route's path " + spec.match().path());
            }
          }
        }
      }
    }
    return spec;
  }
}
