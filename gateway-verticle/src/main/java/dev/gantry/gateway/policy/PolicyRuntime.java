package dev.gantry.gateway.policy;

import dev.gantry.gateway.edge.ClientConnections;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * What a policy may use besides its configuration: the node's meter registry (for counters such
 * as refusals by reason) and its table of open client connections.
 */
public record PolicyRuntime(MeterRegistry registry, ClientConnections connections) {
  /** For checking a spec without running it: meters go nowhere, no connection is known. */
  public static PolicyRuntime detached() {
    return new PolicyRuntime(new SimpleMeterRegistry(), new ClientConnections());
  }
}
