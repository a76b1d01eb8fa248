package dev.gantry.gateway.upstream;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToLongFunction;

/** A random element, each with a chance proportional to its weight. */
public final class WeightedRandom {
  private WeightedRandom() {}

  public static <T> T pick(List<T> candidates, ToLongFunction<T> weight) {
    long total = 0;
    for (T c : candidates) {
      total += weight.applyAsLong(c);
    }
    long ticket = ThreadLocalRandom.current().nextLong(total);
    for (T c : candidates) {
      ticket -= weight.applyAsLong(c);
      if (ticket < 0) {
        return c;
      }
    }
    return candidates.get(candidates.size() - 1);
  }

  static Endpoint pick(List<Endpoint> candidates) {
    return pick(candidates, Endpoint::weight);
  }
}
