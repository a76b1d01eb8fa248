package dev.gantry.gateway.spec;

/**
 * Where a route sends traffic: an HTTP upstream pool, an event-bus service (optionally one
 * version of it), or a directory of files ({@code files}, for {@link Kind#STATIC} only).
 * {@code label} names the target for pinning and in statistics.
 */
public record TargetSpec(Kind kind, String name, String version, int weight, String label, StaticSpec files,
    GraphqlSpec graphql, AggregateSpec aggregate) {
  public enum Kind { UPSTREAM, SERVICE, STATIC, GRAPHQL, AGGREGATE }

  public TargetSpec(Kind kind, String name, String version, int weight, String label, StaticSpec files) {
    this(kind, name, version, weight, label, files, null, null);
  }

  static TargetSpec read(SpecReader r, boolean weighted) {
    boolean upstream = r.has("upstream");
    boolean service = r.has("service");
    boolean files = r.has("static");
    boolean graphql = r.has("graphql");
    boolean aggregate = r.has("aggregate");
    if ((upstream ? 1 : 0) + (service ? 1 : 0) + (files ? 1 : 0) + (graphql ? 1 : 0) + (aggregate ? 1 : 0) != 1) {
      throw SpecReader.invalid(r.path("upstream"), "exactly one of upstream, service, static, graphql or aggregate is required");
    }
    if (graphql) {
      Object raw = r.raw("graphql");
      SpecReader g = Boolean.TRUE.equals(raw) ? SpecReader.of(new io.vertx.core.json.JsonObject(), r.path("graphql"))
          : r.object("graphql");
      if (g == null) {
        throw SpecReader.invalid(r.path("graphql"), "must be true or an object, as in {max-depth: 12}");
      }
      int weight = weighted ? (int) r.integer("weight", 1, 0, 1_000_000) : 1;
      return new TargetSpec(Kind.GRAPHQL, "graphql", null, weight, r.string("name", "graphql"), null,
          GraphqlSpec.read(g), null);
    }
    if (aggregate) {
      SpecReader a = r.object("aggregate");
      if (a == null) {
        throw SpecReader.invalid(r.path("aggregate"), "must be an object, as in {parts: [...]}");
      }
      int weight = weighted ? (int) r.integer("weight", 1, 0, 1_000_000) : 1;
      return new TargetSpec(Kind.AGGREGATE, "aggregate", null, weight, r.string("name", "aggregate"), null, null,
          AggregateSpec.read(a));
    }
    if (files) {
      SpecReader dir = r.object("static");
      if (dir == null) {
        throw SpecReader.invalid(r.path("static"), "must be an object, as in {root: ./public}");
      }
      StaticSpec spec = StaticSpec.read(dir);
      int weight = weighted ? (int) r.integer("weight", 1, 0, 1_000_000) : 1;
      return new TargetSpec(Kind.STATIC, spec.root(), null, weight, r.string("name", "static:" + spec.root()), spec);
    }
    Kind kind = upstream ? Kind.UPSTREAM : Kind.SERVICE;
    String name = upstream ? r.string("upstream") : r.string("service");
    String version = service ? r.string("version", null) : null;
    int weight = weighted ? (int) r.integer("weight", 1, 0, 1_000_000) : 1;
    String label = r.string("name", version == null ? name : name + "@" + version);
    return new TargetSpec(kind, name, version, weight, label, null);
  }
}
