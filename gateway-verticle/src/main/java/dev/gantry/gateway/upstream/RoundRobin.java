package dev.gantry.gateway.upstream;

import java.util.List;

/**
 * Smooth weighted round robin (as nginx): weights are honoured without bursts. One sequence for
 * all event loops, hence the lock.
 */
final class RoundRobin implements Balancer {
  @Override
  public synchronized Endpoint pick(List<Endpoint> candidates, String hashKey) {
    long total = 0;
    Endpoint best = null;
    for (Endpoint e : candidates) {
      e.roundRobinWeight += e.weight();
      total += e.weight();
      if (best == null || e.roundRobinWeight > best.roundRobinWeight) {
        best = e;
      }
    }
    best.roundRobinWeight -= total;
    return best;
  }
}
