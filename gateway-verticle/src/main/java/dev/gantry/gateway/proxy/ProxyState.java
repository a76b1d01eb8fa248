package dev.gantry.gateway.proxy;

import dev.gantry.gateway.observe.ProxyMeters;
import dev.gantry.gateway.resilience.Breakers;
import dev.gantry.gateway.resilience.RetryBudget;
import dev.gantry.gateway.route.RouteTable;
import dev.gantry.gateway.spec.GatewaySpec;
import dev.gantry.gateway.spec.RetrySpec;
import dev.gantry.gateway.spec.RouteSpec;
import dev.gantry.gateway.spec.UpstreamSpec;
import dev.gantry.gateway.upstream.HealthChecker;
import dev.gantry.gateway.upstream.UpstreamPool;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The live data plane of one gateway verticle: the route table, the pools with their health, the
 * breakers, retry budgets and shadow statistics. {@link #apply} swaps in a new spec; pools whose
 * spec did not change keep their state (health, ejections). Event-loop confined.
 */
public final class ProxyState {
  private final Vertx vertx;
  private final HttpClient client;
  private final String zone;
  private final Breakers breakers;
  private GatewaySpec spec = GatewaySpec.EMPTY;
  private RouteTable table = new RouteTable(java.util.List.of());
  private final Map<String, UpstreamPool> pools = new HashMap<>();
  private final Map<String, HealthChecker> checkers = new HashMap<>();
  private final Map<String, Budget> budgets = new HashMap<>();

  /** A route's budget and the retry spec it was made for. */
  private record Budget(RetrySpec spec, RetryBudget budget) {}
  private final Map<String, ShadowStats> shadows = new HashMap<>();

  private final ProxyMeters meters;

  public ProxyState(Vertx vertx, HttpClient client, String zone, MeterRegistry registry) {
    this.vertx = vertx;
    this.client = client;
    this.zone = zone;
    this.breakers = new Breakers(vertx, registry);
    this.meters = new ProxyMeters(registry);
  }

  public void apply(GatewaySpec next) {
    RouteTable nextTable = new RouteTable(next.routes());
    Map<String, UpstreamSpec> wanted = next.upstreams().stream()
        .collect(Collectors.toMap(UpstreamSpec::name, u -> u));
    pools.keySet().removeIf(name -> {
      UpstreamPool pool = pools.get(name);
      boolean replaced = !pool.spec().equals(wanted.get(name));
      if (replaced) {
        checkers.remove(name).stop();
      }
      return replaced;
    });
    for (UpstreamSpec u : next.upstreams()) {
      if (!pools.containsKey(u.name())) {
        UpstreamPool pool = new UpstreamPool(u, zone);
        pools.put(u.name(), pool);
        HealthChecker checker = new HealthChecker(vertx, client, pool);
        checkers.put(u.name(), checker);
        checker.start();
      }
    }
    java.util.Set<String> ids = next.routes().stream().map(RouteSpec::id).collect(Collectors.toSet());
    budgets.keySet().retainAll(ids);
    shadows.keySet().retainAll(ids);
    breakers.retain(ids);
    this.table = nextTable;
    this.spec = next;
    meters.pools(pools.values());
  }

  public GatewaySpec spec() {
    return spec;
  }

  public RouteTable table() {
    return table;
  }

  public UpstreamPool pool(String name) {
    return pools.get(name);
  }

  public Breakers breakers() {
    return breakers;
  }

  /** The route's retry budget; a route whose retry spec changed starts a fresh one. */
  public RetryBudget budget(RouteSpec route) {
    Budget current = budgets.get(route.id());
    if (current == null || !current.spec().equals(route.retry())) {
      current = new Budget(route.retry(), new RetryBudget(route.retry().budgetPercent(), route.retry().minPerSecond()));
      budgets.put(route.id(), current);
    }
    return current.budget();
  }

  public ShadowStats shadow(String routeId) {
    return shadows.computeIfAbsent(routeId, ShadowStats::new);
  }

  public JsonObject status() {
    JsonArray upstreams = new JsonArray();
    pools.values().forEach(p -> upstreams.add(p.status()));
    JsonObject shadowJson = new JsonObject();
    shadows.forEach((id, s) -> shadowJson.put(id, s.toJson()));
    return new JsonObject().put("zone", zone).put("routes", new JsonArray(table.order()))
        .put("upstreams", upstreams).put("breakers", breakers.status()).put("shadows", shadowJson);
  }

  public void close() {
    checkers.values().forEach(HealthChecker::stop);
  }
}
