package dev.gantry.gateway.policy;

import io.vertx.core.Future;

/**
 * One concern on the request path. A policy answers locally (a {@link Reply} of its own, such as
 * a problem), or calls {@link Next#proceed} and returns that reply, possibly changed (headers
 * added, a response stored). Policies are created once per applied spec, not per request, and are
 * shared by every listener of the gateway: state they keep must be thread-safe.
 */
public interface Policy {
  Future<Reply> apply(RouteExchange exchange, Next next);

  /** The rest of the chain: the policies after this one, then the route's target. */
  interface Next {
    Future<Reply> proceed(RouteExchange exchange);
  }

  /** Whether the policy also runs before a WebSocket upgrade (auth, limits, WAF must). */
  default boolean appliesToUpgrade() {
    return false;
  }
}
