package dev.gantry.gateway.upstream;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** A random endpoint, each with a chance proportional to its weight. */
final class WeightedRandom {
  private WeightedRandom() {}

  static Endpoint pick(List<Endpoint> candidates) {
    long total = 0;
    for (Endpoint e : candidates) {
      total += e.weight();
    }
    long ticket = ThreadLocalRandom.current().nextLong(total);
    for (Endpoint e : candidates) {
      ticket -= e.weight();
      if (ticket < 0) {
        return e;
      }
    }
    return candidates.get(candidates.size() - 1);
  }
}
