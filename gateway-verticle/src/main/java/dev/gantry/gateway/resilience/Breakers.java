package dev.gantry.gateway.resilience;

import dev.gantry.gateway.spec.BreakerSpec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One vertx-circuit-breaker per route target, created on first use. The breaker itself never
 * times out a call (the request's deadline does) and publishes nothing on the event bus. Shared
 * by the gateway's event loops (a breaker itself is thread-safe).
 */
public final class Breakers {
  private static final Logger LOG = LoggerFactory.getLogger(Breakers.class);
  private final Vertx vertx;
  private final MeterRegistry registry;
  private final Map<String, Entry> breakers = new HashMap<>();

  private record Entry(BreakerSpec spec, CircuitBreaker breaker, Meter gauge) {}

  public Breakers(Vertx vertx, MeterRegistry registry) {
    this.vertx = vertx;
    this.registry = registry;
  }

  public synchronized CircuitBreaker of(String routeId, String target, BreakerSpec spec) {
    String name = routeId + "/" + target;
    Entry entry = breakers.get(name);
    if (entry == null || !entry.spec().equals(spec)) {
      if (entry != null) {
        entry.breaker().close();
        registry.remove(entry.gauge());
      }
      CircuitBreaker breaker = CircuitBreaker.create(name, vertx, new CircuitBreakerOptions()
              .setMaxFailures(spec.maxFailures())
              .setResetTimeout(spec.resetMillis())
              .setTimeout(-1)
              .setNotificationAddress(null))
          .openHandler(v -> LOG.warn("circuit breaker {} opened", name))
          .closeHandler(v -> LOG.info("circuit breaker {} closed", name));
      // 0 closed, 1 half-open, 2 open
      Meter gauge = Gauge.builder("gantry.breaker.state", breaker, b -> switch (b.state()) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            case OPEN -> 2;
          })
          .description("Circuit breaker state per route target: 0 closed, 1 half-open, 2 open")
          .tags("route", routeId, "target", target).register(registry);
      entry = new Entry(spec, breaker, gauge);
      breakers.put(name, entry);
    }
    return entry.breaker();
  }

  /** Forgets breakers of routes that no longer exist. */
  public synchronized void retain(java.util.Set<String> routeIds) {
    breakers.entrySet().removeIf(e -> {
      boolean gone = !routeIds.contains(e.getKey().substring(0, e.getKey().indexOf('/')));
      if (gone) {
        e.getValue().breaker().close();
        registry.remove(e.getValue().gauge());
      }
      return gone;
    });
  }

  public synchronized JsonObject status() {
    JsonObject out = new JsonObject();
    breakers.forEach((name, e) -> out.put(name, e.breaker().state().name()));
    return out;
  }
}
