package dev.gantry.gateway.traffic;

import dev.gantry.gateway.policy.NodeResources;
import dev.gantry.gateway.policy.PolicyRuntime;

/**
 * The limiters a policy counts with, made from what the node keeps across specs: the node's one
 * local store and its view of Redis's health outlive every applied spec, so a re-applied spec
 * neither resets local counters nor forgets an outage, and batches of permits taken from Redis
 * stay usable. Nothing here touches Redis or starts a timer: the Redis client and the node count
 * are asked for on the first decision.
 */
final class NodeLimiters {
  static final String LOCAL = "traffic.local-limiter";
  static final String HEALTH = "traffic.redis-health";
  static final String RESERVATIONS = "traffic.reservations";

  private NodeLimiters() {}

  /** This node's memory. */
  static LocalLimiter local(PolicyRuntime runtime) {
    return runtime.node().keep(LOCAL, () -> new LocalLimiter(LocalLimiter.DEFAULT_MAX_SUBJECTS));
  }

  /** The cluster's Redis, falling back as {@code settings} say while it cannot decide. */
  static Limiter shared(StoreSettings settings, PolicyRuntime runtime) {
    NodeResources node = runtime.node();
    ReservingLimiter reserving = new ReservingLimiter(new RedisLimiter(node::redis, settings.timeoutMillis()),
        node.keep(RESERVATIONS, () -> new Reservations(Reservations.DEFAULT_MAX_SUBJECTS)), node::gatewayNodes,
        System::currentTimeMillis);
    return new FallbackLimiter(reserving, local(runtime),
        node.keep(HEALTH, StoreHealth::new), settings.onFailure(), node::gatewayNodes);
  }
}
