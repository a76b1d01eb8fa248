package dev.gantry.gateway.upstream;

import dev.gantry.gateway.spec.UpstreamSpec;
import java.util.List;

/** Chooses one endpoint among candidates (never empty). */
public interface Balancer {
  Endpoint pick(List<Endpoint> candidates, String hashKey);

  static Balancer of(UpstreamSpec.Algorithm algorithm, List<Endpoint> all) {
    return switch (algorithm) {
      case ROUND_ROBIN -> new RoundRobin();
      case LEAST_REQUESTS -> new LeastRequests();
      case POWER_OF_TWO -> new PowerOfTwoChoices();
      case CONSISTENT_HASH -> new ConsistentHash(all);
    };
  }
}
