package dev.gantry.gateway.spec;

import dev.gantry.codecs.Failure;
import dev.gantry.codecs.ServiceException;
import dev.gantry.discovery.CallPolicy;
import dev.gantry.gateway.policy.PolicyRegistry;
import dev.gantry.gateway.policy.PolicySpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The whole declarative gateway: gateway-wide policies (run before matching), routes and upstream
 * pools, checked against each other, and the mesh's call policy ({@code mesh:}), which travels with
 * them so every node of the cluster follows one.
 */
public record GatewaySpec(List<PolicySpec> policies, List<RouteSpec> routes, List<UpstreamSpec> upstreams,
    CallPolicy mesh) {
  public static final GatewaySpec EMPTY = new GatewaySpec(List.of(), List.of(), List.of());

  public GatewaySpec(List<RouteSpec> routes, List<UpstreamSpec> upstreams) {
    this(List.of(), routes, upstreams);
  }

  public GatewaySpec(List<PolicySpec> policies, List<RouteSpec> routes, List<UpstreamSpec> upstreams) {
    this(policies, routes, upstreams, CallPolicy.OPEN);
  }

  public GatewaySpec {
    policies = List.copyOf(policies);
    routes = List.copyOf(routes);
    upstreams = List.copyOf(upstreams);
    mesh = mesh == null ? CallPolicy.OPEN : mesh;
    Set<String> names = new HashSet<>();
    for (int i = 0; i < upstreams.size(); i++) {
      if (!names.add(upstreams.get(i).name())) {
        throw SpecReader.invalid("upstreams[" + i + "].name", "duplicate name " + upstreams.get(i).name());
      }
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < routes.size(); i++) {
      RouteSpec route = routes.get(i);
      if (!ids.add(route.id())) {
        throw SpecReader.invalid("routes[" + i + "].id", "duplicate id " + route.id());
      }
      List<TargetSpec> all = new ArrayList<>(route.targets());
      if (route.shadow() != null) {
        all.add(route.shadow().target());
      }
      for (TargetSpec t : all) {
        if (t.kind() == TargetSpec.Kind.UPSTREAM && !names.contains(t.name())) {
          throw SpecReader.invalid("routes[" + i + "]", "upstream " + t.name() + " is not defined");
        }
      }
    }
  }

  public static GatewaySpec fromJson(JsonObject json) {
    return fromJson(json, PolicyRegistry.builtIn());
  }

  /** Reads a spec whose {@code policies:} may use the types of {@code policyTypes}. */
  public static GatewaySpec fromJson(JsonObject json, PolicyRegistry policyTypes) {
    SpecReader r = SpecReader.of(json, "");
    r.only(java.util.Set.of("policies", "routes", "upstreams", "mesh"));
    CallPolicy mesh;
    try {
      Object section = r.raw("mesh");
      if (section != null && !(section instanceof JsonObject)) {
        throw new IllegalArgumentException("mesh: expected a mapping with default, allow and zone-min-healthy-percent");
      }
      mesh = CallPolicy.fromJson((JsonObject) section, "mesh");
    } catch (IllegalArgumentException e) {
      throw new ServiceException(Failure.UNPROCESSABLE, e.getMessage());
    }
    List<PolicySpec> policies = policyTypes.read(r.raw("policies"), "policies", true);
    List<UpstreamSpec> upstreams = new ArrayList<>();
    List<SpecReader> u = r.objects("upstreams");
    for (int i = 0; i < u.size(); i++) {
      upstreams.add(UpstreamSpec.fromJson(json.getJsonArray("upstreams").getJsonObject(i), "upstreams[" + i + "]"));
    }
    List<RouteSpec> routes = new ArrayList<>();
    List<SpecReader> rs = r.objects("routes");
    for (int i = 0; i < rs.size(); i++) {
      routes.add(RouteSpec.fromJson(json.getJsonArray("routes").getJsonObject(i), "routes[" + i + "]", policyTypes));
    }
    r.done();
    return new GatewaySpec(policies, routes, upstreams, mesh);
  }

  /** Reads a YAML route file's text; what is wrong with it is a {@link ServiceException} naming where. */
  public static GatewaySpec fromYaml(String yaml) {
    Object json = YamlDocument.read(yaml);
    if (json == null) {
      return EMPTY;
    }
    if (!(json instanceof JsonObject object)) {
      throw SpecReader.invalid("", "a route file is a mapping with routes: and upstreams:");
    }
    return fromJson(object);
  }

  /** A tree SnakeYAML loaded, as Vert.x JSON values (mappings become JsonObjects, lists JsonArrays). */
  public static Object toJsonValue(Object yaml) {
    return YamlDocument.toJson(yaml);
  }

  public JsonObject toJson() {
    JsonArray r = new JsonArray();
    routes.forEach(route -> r.add(route.source()));
    JsonArray u = new JsonArray();
    upstreams.forEach(up -> u.add(up.source()));
    JsonObject out = new JsonObject();
    if (!policies.isEmpty()) {
      JsonArray p = new JsonArray();
      policies.forEach(policy -> p.add(policy.source()));
      out.put("policies", p);
    }
    if (!mesh.equals(CallPolicy.OPEN)) {
      out.put("mesh", mesh.toJson());
    }
    return out.put("routes", r).put("upstreams", u);
  }

  public GatewaySpec withMesh(CallPolicy next) {
    return new GatewaySpec(policies, routes, upstreams, next);
  }

  public GatewaySpec withRoute(RouteSpec route) {
    List<RouteSpec> next = new ArrayList<>(routes.stream().filter(x -> !x.id().equals(route.id())).toList());
    next.add(route);
    return new GatewaySpec(policies, next, upstreams, mesh);
  }

  public GatewaySpec withoutRoute(String id) {
    return new GatewaySpec(policies, routes.stream().filter(x -> !x.id().equals(id)).toList(), upstreams, mesh);
  }

  public GatewaySpec withUpstream(UpstreamSpec upstream) {
    List<UpstreamSpec> next = new ArrayList<>(upstreams.stream().filter(x -> !x.name().equals(upstream.name())).toList());
    next.add(upstream);
    return new GatewaySpec(policies, routes, next, mesh);
  }

  public GatewaySpec withoutUpstream(String name) {
    return new GatewaySpec(policies, routes, upstreams.stream().filter(x -> !x.name().equals(name)).toList(), mesh);
  }
}
