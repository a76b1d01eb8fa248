package dev.gantry.gateway.spec;

/**
 * Where a route sends traffic: an HTTP upstream pool, or an event-bus service (optionally one
 * version of it). {@code label} names the target for pinning and in statistics.
 */
public record TargetSpec(Kind kind, String name, String version, int weight, String label) {
  public enum Kind { UPSTREAM, SERVICE }

  static TargetSpec read(SpecReader r, boolean weighted) {
    boolean upstream = r.has("upstream");
    boolean service = r.has("service");
    if (upstream == service) {
      throw SpecReader.invalid(r.path("upstream"), "exactly one of upstream or service is required");
    }
    Kind kind = upstream ? Kind.UPSTREAM : Kind.SERVICE;
    String name = upstream ? r.string("upstream") : r.string("service");
    String version = service ? r.string("version", null) : null;
    int weight = weighted ? (int) r.integer("weight", 1, 0, 1_000_000) : 1;
    String label = r.string("name", version == null ? name : name + "@" + version);
    return new TargetSpec(kind, name, version, weight, label);
  }
}
