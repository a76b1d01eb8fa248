package dev.gantry.gateway.spec;

/** A circuit breaker per route target: opens after {@code maxFailures}, probes after {@code resetMillis}. */
public record BreakerSpec(int maxFailures, long resetMillis) {
  static BreakerSpec read(SpecReader r) {
    if (r == null) {
      return null;
    }
    BreakerSpec spec = new BreakerSpec((int) r.integer("max-failures", 5, 1, 10_000),
        r.integer("reset-ms", 5_000, 10, 3_600_000));
    r.done();
    return spec;
  }
}
