package dev.gantry.gateway.policy;

import dev.gantry.gateway.edge.ClientConnections;
import dev.gantry.gateway.observe.RecentBlocks;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * What a policy may use besides its configuration: the node's meter registry (for counters such
 * as refusals by reason), its table of open client connections and its list of recent blocks.
 */
public record PolicyRuntime(MeterRegistry registry, ClientConnections connections, RecentBlocks blocks) {
  /** For checking a spec without running it: meters go nowhere, no connection is known. */
  public static PolicyRuntime detached() {
    return new PolicyRuntime(new SimpleMeterRegistry(), new ClientConnections(), new RecentBlocks());
  }
}
