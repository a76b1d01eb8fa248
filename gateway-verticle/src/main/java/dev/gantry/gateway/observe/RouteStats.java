package dev.gantry.gateway.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-route totals read back from the registry — requests, errors and cumulative latency buckets
 * — for the console, which turns two readings into rates and a p99.
 */
public final class RouteStats {
  private RouteStats() {}

  public static JsonObject read(MeterRegistry registry) {
    Map<String, long[]> counts = new TreeMap<>();
    Map<String, TreeMap<Double, Double>> buckets = new TreeMap<>();
    for (Timer timer : registry.find("gantry.http.server.requests").timers()) {
      String route = timer.getId().getTag("route");
      counts.computeIfAbsent(route, r -> new long[2])[0] += timer.count();
      TreeMap<Double, Double> routeBuckets = buckets.computeIfAbsent(route, r -> new TreeMap<>());
      for (CountAtBucket b : timer.takeSnapshot().histogramCounts()) {
        routeBuckets.merge(b.bucket(java.util.concurrent.TimeUnit.SECONDS), b.count(), Double::sum);
      }
    }
    for (Counter errors : registry.find("gantry.http.server.errors").counters()) {
      counts.computeIfAbsent(errors.getId().getTag("route"), r -> new long[2])[1] += (long) errors.count();
    }
    JsonObject routes = new JsonObject();
    counts.forEach((route, c) -> {
      JsonArray b = new JsonArray();
      buckets.getOrDefault(route, new TreeMap<>()).forEach((le, n) -> b.add(new JsonArray().add(le).add(n)));
      routes.put(route, new JsonObject().put("requests", c[0]).put("errors", c[1]).put("buckets", b));
    });
    JsonArray refusals = new JsonArray();
    for (Counter refused : registry.find("gantry_policy_refusals").counters()) {
      refusals.add(new JsonObject().put("route", refused.getId().getTag("route"))
          .put("policy", refused.getId().getTag("policy")).put("status", Integer.parseInt(refused.getId().getTag("status")))
          .put("reason", refused.getId().getTag("reason")).put("count", (long) refused.count()));
    }
    JsonObject cache = new JsonObject();
    for (Counter outcome : registry.find("gantry_cache_requests").counters()) {
      String route = outcome.getId().getTag("route");
      JsonObject perRoute = cache.getJsonObject(route);
      if (perRoute == null) {
        perRoute = new JsonObject();
        cache.put(route, perRoute);
      }
      perRoute.put(outcome.getId().getTag("result"), (long) outcome.count());
    }
    io.micrometer.core.instrument.Gauge stored = registry.find("gantry_cache_bytes").gauge();
    return new JsonObject().put("at", System.currentTimeMillis()).put("routes", routes).put("refusals", refusals)
        .put("cache", cache).put("cacheBytes", stored == null ? 0 : (long) stored.value());
  }
}
