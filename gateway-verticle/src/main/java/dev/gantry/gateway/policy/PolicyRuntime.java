package dev.gantry.gateway.policy;

import dev.gantry.gateway.edge.ClientConnections;
import dev.gantry.gateway.observe.RecentBlocks;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * What a policy may use besides its configuration: the node's meter registry (for counters such
 * as refusals by reason), its table of open client connections, its list of recent blocks, and
 * the node's resources (Vert.x, Redis, Postgres, state kept across spec changes).
 */
public record PolicyRuntime(MeterRegistry registry, ClientConnections connections, RecentBlocks blocks,
    NodeResources node) {
  public PolicyRuntime(MeterRegistry registry, ClientConnections connections, RecentBlocks blocks) {
    this(registry, connections, blocks, NodeResources.detached());
  }

  /** For checking a spec without running it: meters go nowhere, no connection is known, no backend. */
  public static PolicyRuntime detached() {
    return new PolicyRuntime(new SimpleMeterRegistry(), new ClientConnections(), new RecentBlocks());
  }

  /** Whether policies are made to serve requests (else only to check a spec: no timers, no fetches). */
  public boolean running() {
    return node.running();
  }
}
