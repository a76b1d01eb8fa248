package dev.gantry.gateway.proxy;

import dev.gantry.gateway.observe.ProxyMeters;
import dev.gantry.gateway.edge.ClientConnections;
import dev.gantry.gateway.policy.PolicyChain;
import dev.gantry.gateway.policy.PolicySpec;
import dev.gantry.gateway.security.DdosConfig;
import dev.gantry.gateway.policy.PolicyRuntime;
import dev.gantry.gateway.resilience.Breakers;
import dev.gantry.gateway.resilience.RetryBudget;
import dev.gantry.gateway.route.RouteTable;
import dev.gantry.gateway.spec.GatewaySpec;
import dev.gantry.gateway.spec.RetrySpec;
import dev.gantry.gateway.spec.RouteSpec;
import dev.gantry.gateway.spec.UpstreamSpec;
import dev.gantry.gateway.upstream.HealthChecker;
import dev.gantry.gateway.upstream.UpstreamClients;
import dev.gantry.gateway.upstream.UpstreamPool;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The live data plane of one gateway: the route table, the pools with their health, the
 * breakers, retry budgets and shadow statistics. {@link #apply} swaps in a new spec; pools whose
 * spec did not change keep their state (health, ejections). One instance is shared by all the
 * gateway's event loops: the spec and table are immutable values swapped whole, the maps are
 * concurrent, and each piece of mutable state guards itself.
 */
public final class ProxyState {
  private final Vertx vertx;
  private final UpstreamClients client;
  private final String zone;
  private final Breakers breakers;
  private volatile GatewaySpec spec = GatewaySpec.EMPTY;
  private volatile RouteTable table = new RouteTable(java.util.List.of());
  private volatile PolicyChain gatewayPolicies = PolicyChain.EMPTY;
  private volatile Map<String, UpstreamPool> pools = Map.of();
  private final Map<String, HealthChecker> checkers = new HashMap<>(); // touched by apply and close only
  private final Map<String, Budget> budgets = new ConcurrentHashMap<>();

  /** A route's budget and the retry spec it was made for. */
  private record Budget(RetrySpec spec, RetryBudget budget) {}
  private final Map<String, ShadowStats> shadows = new ConcurrentHashMap<>();

  private final ProxyMeters meters;
  private final MeterRegistry registry;
  private final ClientConnections connections = new ClientConnections();
  private final PolicyRuntime runtime;

  public ProxyState(Vertx vertx, UpstreamClients client, String zone, MeterRegistry registry) {
    this(vertx, client, zone, registry, dev.gantry.gateway.policy.NodeResources.detached());
  }

  /** @param node what policies may use of this node: Redis, Postgres, state kept across specs */
  public ProxyState(Vertx vertx, UpstreamClients client, String zone, MeterRegistry registry,
      dev.gantry.gateway.policy.NodeResources node) {
    this.vertx = vertx;
    this.client = client;
    this.zone = zone;
    this.registry = registry;
    this.breakers = new Breakers(vertx, registry);
    this.meters = new ProxyMeters(registry);
    this.runtime = new PolicyRuntime(registry, connections, new dev.gantry.gateway.observe.RecentBlocks(), node);
  }

  /** The requests policies blocked lately, for the console. */
  public dev.gantry.gateway.observe.RecentBlocks recentBlocks() {
    return runtime.blocks();
  }

  private volatile dev.gantry.gateway.policy.BodyBudget heldBodies =
      new dev.gantry.gateway.policy.BodyBudget(dev.gantry.gateway.edge.EdgeOptions.DEFAULT_MAX_HELD_BODY_BYTES);

  /** The bytes of request bodies this node's listeners may hold whole at once. */
  public dev.gantry.gateway.policy.BodyBudget heldBodies() {
    return heldBodies;
  }

  public void heldBodies(dev.gantry.gateway.policy.BodyBudget budget) {
    this.heldBodies = budget;
  }

  /** Open client connections per address, across this node's listeners. */
  public ClientConnections connections() {
    return connections;
  }

  /**
   * Swaps in {@code next}. The new pools are complete before they are published, so a request on
   * another event loop sees either the old set or the new one, never a pool missing in between.
   */
  public synchronized void apply(GatewaySpec next) {
    RouteTable nextTable = new RouteTable(next.routes(), runtime);
    PolicyChain nextPolicies = PolicyChain.of(next.policies(), runtime);
    Map<String, UpstreamPool> nextPools = new HashMap<>();
    for (UpstreamSpec u : next.upstreams()) {
      UpstreamPool kept = pools.get(u.name());
      nextPools.put(u.name(), kept != null && kept.spec().equals(u) ? kept : new UpstreamPool(u, zone));
    }
    pools.forEach((name, pool) -> {
      if (nextPools.get(name) != pool) {
        checkers.remove(name).stop();
      }
    });
    nextPools.forEach((name, pool) -> {
      if (pools.get(name) != pool) {
        HealthChecker checker = new HealthChecker(vertx, client, pool);
        checkers.put(name, checker);
        checker.start();
      }
    });
    this.pools = Map.copyOf(nextPools);
    java.util.Set<String> ids = next.routes().stream().map(RouteSpec::id).collect(Collectors.toSet());
    budgets.keySet().retainAll(ids);
    shadows.keySet().retainAll(ids);
    breakers.retain(ids);
    this.table = nextTable;
    this.gatewayPolicies = nextPolicies;
    // The gateway-wide ddos policy's connection cap also applies as connections are accepted.
    connections.cap(next.policies().stream().map(PolicySpec::config).filter(DdosConfig.class::isInstance)
        .mapToInt(c -> ((DdosConfig) c).maxConnectionsPerIp()).filter(n -> n > 0).min().orElse(0));
    this.spec = next;
    meters.pools(this.pools.values());
  }

  public GatewaySpec spec() {
    return spec;
  }

  /** This node's zone: service instances and upstream targets in it are preferred. */
  String zone() {
    return zone;
  }

  /**
   * Counts a call the mesh policy refused on this side ({@code gantry_mesh_denied_total}); the
   * caller is named only when the policy names it, so made-up identities cannot grow the labels.
   */
  public void meshDenied(String caller, String service) {
    String from = spec.mesh().names(caller) ? caller : "unlisted";
    registry.counter("gantry_mesh_denied", "side", "caller", "from", from, "to", service).increment();
  }

  public RouteTable table() {
    return table;
  }

  /** The gateway-wide policies, run before matching. */
  public PolicyChain gatewayPolicies() {
    return gatewayPolicies;
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
    if (current != null && current.spec().equals(route.retry())) {
      return current.budget();
    }
    return budgets.compute(route.id(), (id, old) -> old != null && old.spec().equals(route.retry()) ? old
        : new Budget(route.retry(), new RetryBudget(route.retry().budgetPercent(), route.retry().minPerSecond())))
        .budget();
  }

  public ShadowStats shadow(String routeId) {
    return shadows.computeIfAbsent(routeId, ShadowStats::new);
  }

  private volatile dev.gantry.gateway.graphql.Federation federation;

  /** The node's GraphQL schema, for routes whose target is {@code graphql:}; null until the gateway sets it. */
  public dev.gantry.gateway.graphql.Federation federation() {
    return federation;
  }

  public void federation(dev.gantry.gateway.graphql.Federation federation) {
    this.federation = federation;
  }

  public JsonObject status() {
    JsonArray upstreams = new JsonArray();
    pools.values().forEach(p -> upstreams.add(p.status()));
    JsonObject shadowJson = new JsonObject();
    shadows.forEach((id, s) -> shadowJson.put(id, s.toJson()));
    return new JsonObject().put("zone", zone).put("routes", new JsonArray(table.order()))
        .put("upstreams", upstreams).put("breakers", breakers.status()).put("shadows", shadowJson)
        .put("issuers", new JsonArray(runtime.node().keptOf(dev.gantry.gateway.auth.JwtPolicy.IssuerStatus.class)
            .stream().map(dev.gantry.gateway.auth.JwtPolicy.IssuerStatus::toJson).toList()));
  }

  /** What policies of this node share (key sets, limit stores), for the status document. */
  public PolicyRuntime runtime() {
    return runtime;
  }

  public synchronized void close() {
    checkers.values().forEach(HealthChecker::stop);
    runtime.node().close();
  }
}
