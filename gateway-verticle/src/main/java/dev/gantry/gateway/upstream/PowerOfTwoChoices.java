package dev.gantry.gateway.upstream;

import java.util.List;

/** Two weighted-random candidates; the one with fewer in-flight requests wins. */
final class PowerOfTwoChoices implements Balancer {
  @Override
  public Endpoint pick(List<Endpoint> candidates, String hashKey) {
    Endpoint a = WeightedRandom.pick(candidates);
    if (candidates.size() == 1) {
      return a;
    }
    Endpoint b = WeightedRandom.pick(candidates);
    return b.active() < a.active() ? b : a;
  }
}
