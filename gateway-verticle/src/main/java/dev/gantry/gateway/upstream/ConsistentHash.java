package dev.gantry.gateway.upstream;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A hash ring with about a thousand points per endpoint, shared out by weight: the same key keeps
 * reaching the same endpoint, and when one leaves only its keys move (to the next available
 * point on the ring). A thousand points keep each endpoint's share within a few percent of its
 * weight.
 */
final class ConsistentHash implements Balancer {
  static final int POINTS_PER_ENDPOINT = 1000;
  private final TreeMap<Long, Endpoint> ring = new TreeMap<>();

  ConsistentHash(List<Endpoint> all) {
    long totalWeight = all.stream().mapToLong(Endpoint::weight).sum();
    for (Endpoint e : all) {
      long points = Math.max(1, POINTS_PER_ENDPOINT * all.size() * e.weight() / totalWeight);
      for (int i = 0; i < points; i++) {
        ring.put(hash(e.target().address() + "#" + i), e);
      }
    }
  }

  @Override
  public Endpoint pick(List<Endpoint> candidates, String hashKey) {
    if (hashKey == null) {
      return WeightedRandom.pick(candidates);
    }
    long h = hash(hashKey);
    for (Map.Entry<Long, Endpoint> entry : ring.tailMap(h).entrySet()) {
      if (candidates.contains(entry.getValue())) {
        return entry.getValue();
      }
    }
    for (Map.Entry<Long, Endpoint> entry : ring.headMap(h).entrySet()) {
      if (candidates.contains(entry.getValue())) {
        return entry.getValue();
      }
    }
    return candidates.get(0);
  }

  /** FNV-1a 64 with a final avalanche mix, so nearby keys land far apart. */
  static long hash(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
