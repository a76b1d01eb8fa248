package dev.gantry.gateway.policy;

/**
 * Where a policy sits on the request path. A route's policies run in this order, and in the
 * order they are listed within one phase. {@link #EDGE} and {@link #ACCESS} policies may also be
 * declared gateway-wide, where they run before any route is matched.
 */
public enum Phase {
  /** Protocol-level guards: request limits, DDoS guard. */
  EDGE,
  /** Who may come in at all: WAF, IP lists. */
  ACCESS,
  AUTHENTICATE,
  AUTHORIZE,
  LIMIT,
  CACHE,
  TRANSFORM;

  /** Whether policies of this phase may run gateway-wide, before matching. */
  public boolean gatewayWide() {
    return this == EDGE || this == ACCESS;
  }
}
