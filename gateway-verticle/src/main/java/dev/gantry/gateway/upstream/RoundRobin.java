package dev.gantry.gateway.upstream;

import java.util.List;

/**
 * Smooth weighted round robin (as nginx): weights are honoured without bursts. One sequence for
 * all event loops, hence the lock.
 */
final class RoundRobin implements Balancer {
  @Override
  public Endpoint pick(List<Endpoint> candidates, String hashKey) {
    // One candidate is the answer whatever the weights: no lock, no write the event loops would
    // pass between their cores on every request.
    return candidates.size() == 1 ? candidates.get(0) : rotate(candidates);
  }

  private synchronized Endpoint rotate(List<Endpoint> candidates) {
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
