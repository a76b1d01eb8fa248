package dev.gantry.gateway.observe;

import dev.gantry.gateway.upstream.Endpoint;
import dev.gantry.gateway.upstream.UpstreamPool;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Gauges over the live pools: {@code gantry_upstream_target_healthy} and
 * {@code gantry_upstream_target_active_requests} per target, {@code gantry_upstream_ejections_total}
 * per pool. Re-registered whenever the pools change, so a removed pool leaves no stale series.
 */
public final class ProxyMeters {
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();

  public ProxyMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  public void pools(Collection<UpstreamPool> pools) {
    meters.forEach(registry::remove);
    meters.clear();
    for (UpstreamPool pool : pools) {
      String upstream = pool.spec().name();
      meters.add(FunctionCounter.builder("gantry.upstream.ejections", pool, UpstreamPool::ejectionsTotal)
          .description("Passive ejections of targets").tag("upstream", upstream).register(registry));
      for (Endpoint e : pool.endpoints()) {
        String target = e.target().address();
        meters.add(Gauge.builder("gantry.upstream.target.healthy", e,
                x -> x.available(System.currentTimeMillis()) ? 1 : 0)
            .description("1 while the target is in rotation (healthy and not ejected)")
            .tags("upstream", upstream, "target", target).register(registry));
        meters.add(Gauge.builder("gantry.upstream.target.active.requests", e, Endpoint::active)
            .description("Requests in flight to the target").tags("upstream", upstream, "target", target)
            .register(registry));
      }
    }
  }
}
