package dev.gantry.gateway.policy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the requests identity and limit policies refused, per route, status and reason
 * ({@code gantry_policy_refusals_total{route="orders",status="401",reason="invalid_token",policy="jwt"}}):
 * the 401/403/429 figures of {@code /metrics} and the console. One per node, kept across specs.
 */
public final class Refusals {
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  private Refusals(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The node's counter set (kept in {@link NodeResources}, so it outlives one applied spec). */
  public static Refusals of(PolicyRuntime runtime) {
    return runtime.node().keep("refusals", () -> new Refusals(runtime.registry()));
  }

  /** Counts one refusal; {@code route} may be null (a gateway-wide policy before matching). */
  public void count(String policy, String route, int status, String reason) {
    String at = route == null ? "-" : route;
    counters.computeIfAbsent(policy + '\u0000' + at + '\u0000' + status + '\u0000' + reason,
        k -> Counter.builder("gantry_policy_refusals").description("Requests identity and limit policies refused")
            .tag("policy", policy).tag("route", at).tag("status", Integer.toString(status)).tag("reason", reason)
            .register(registry)).increment();
  }
}
