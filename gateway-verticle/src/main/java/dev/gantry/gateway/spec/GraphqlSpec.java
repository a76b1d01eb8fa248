package dev.gantry.gateway.spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A route's GraphQL endpoint: the schema the cluster's services publish, served over HTTP and
 * {@code graphql-transport-ws}, under these limits:
 * {@code graphql: {max-depth: 12, max-cost: 2000, introspection: false, graphiql: false, persisted: apq}}.
 *
 * @param maxDepth        deepest field nesting a query may have
 * @param maxCost         most a query may cost: each field weighs {@code fieldCosts} (1 unless named),
 *                        times the list sizes above it ({@code first}/{@code last}/{@code limit}
 *                        arguments, else {@code defaultListSize} for a list field)
 * @param maxAliases      most aliased fields in a query
 * @param maxRootFields   most fields at the operation's top level
 * @param maxQueryBytes   longest query text
 * @param persisted       {@link Persisted#OFF}, {@link Persisted#APQ} (automatic persisted queries:
 *                        clients may send a hash instead of a query they sent before), or
 *                        {@link Persisted#ALLOW_LIST} (only queries persisted through the admin API run)
 * @param maxSubscriptions most subscriptions one WebSocket connection may hold at once
 */
public record GraphqlSpec(int maxDepth, int maxCost, int maxAliases, int maxRootFields, int maxQueryBytes,
    int defaultListSize, Map<String, Integer> fieldCosts, boolean introspection, boolean graphiql,
    Persisted persisted, boolean subscriptions, int maxSubscriptions) {
  public enum Persisted { OFF, APQ, ALLOW_LIST }

  public static final GraphqlSpec DEFAULTS = new GraphqlSpec(12, 5_000, 30, 20, 16 * 1024, 10, Map.of(), false,
      false, Persisted.APQ, true, 32);

  public GraphqlSpec {
    fieldCosts = Map.copyOf(fieldCosts);
  }

  /** The weight of field {@code coordinate} ({@code Type.field}). */
  public int cost(String coordinate) {
    return fieldCosts.getOrDefault(coordinate, 1);
  }

  static GraphqlSpec read(SpecReader r) {
    r.only(Set.of("max-depth", "max-cost", "max-aliases", "max-root-fields", "max-query-bytes", "default-list-size",
        "field-costs", "introspection", "graphiql", "persisted", "subscriptions", "max-subscriptions"));
    GraphqlSpec d = DEFAULTS;
    Map<String, Integer> costs = new LinkedHashMap<>();
    SpecReader weights = r.object("field-costs");
    if (weights != null) {
      for (String coordinate : weights.source().fieldNames()) {
        if (!coordinate.matches("[_A-Za-z][_0-9A-Za-z]*\\.[_A-Za-z][_0-9A-Za-z]*")) {
          throw SpecReader.invalid(weights.path(coordinate), "must be a field as Type.field");
        }
        costs.put(coordinate, (int) weights.integer(coordinate, 1, 0, 1_000_000));
      }
    }
    String persisted = r.string("persisted", "apq");
    Persisted mode = switch (persisted) {
      case "off" -> Persisted.OFF;
      case "apq" -> Persisted.APQ;
      case "allow-list" -> Persisted.ALLOW_LIST;
      default -> throw SpecReader.invalid(r.path("persisted"), "must be off, apq or allow-list, got " + persisted);
    };
    GraphqlSpec spec = new GraphqlSpec((int) r.integer("max-depth", d.maxDepth(), 1, 100),
        (int) r.integer("max-cost", d.maxCost(), 1, 100_000_000),
        (int) r.integer("max-aliases", d.maxAliases(), 0, 10_000),
        (int) r.integer("max-root-fields", d.maxRootFields(), 1, 1_000),
        (int) r.integer("max-query-bytes", d.maxQueryBytes(), 64, 1 << 20),
        (int) r.integer("default-list-size", d.defaultListSize(), 1, 10_000), costs,
        r.bool("introspection", d.introspection()), r.bool("graphiql", d.graphiql()), mode,
        r.bool("subscriptions", d.subscriptions()),
        (int) r.integer("max-subscriptions", d.maxSubscriptions(), 1, 10_000));
    if (spec.graphiql() && !spec.introspection()) {
      throw SpecReader.invalid(r.path("graphiql"), "GraphiQL reads the schema by introspection: set introspection: true too");
    }
    r.done();
    return spec;
  }
}
