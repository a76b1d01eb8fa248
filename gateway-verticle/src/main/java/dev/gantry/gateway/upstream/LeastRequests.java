package dev.gantry.gateway.upstream;

import java.util.ArrayList;
import java.util.List;

/** Fewest in-flight requests per unit of weight; ties broken by weighted random. */
final class LeastRequests implements Balancer {
  @Override
  public Endpoint pick(List<Endpoint> candidates, String hashKey) {
    double best = Double.MAX_VALUE;
    List<Endpoint> tied = new ArrayList<>(2);
    for (Endpoint e : candidates) {
      double load = (double) e.active() / e.weight();
      if (load < best) {
        best = load;
        tied.clear();
        tied.add(e);
      } else if (load == best) {
        tied.add(e);
      }
    }
    return tied.size() == 1 ? tied.get(0) : WeightedRandom.pick(tied);
  }
}
