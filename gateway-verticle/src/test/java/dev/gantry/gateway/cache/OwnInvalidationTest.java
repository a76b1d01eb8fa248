package dev.gantry.gateway.cache;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An invalidation a node published is applied by every other node as it arrives, and not again
 * by its sender, which applied it before publishing: arriving after the sender stored a fresh
 * answer for the same target (a POST, then at once a GET), it would only have thrown that answer
 * out — the next GET a needless miss. A purge from the admin API names no sender: everyone applies it.
 */
class OwnInvalidationTest {
  private static final String KEY = "GET h /c/a";

  private static Entry entry() {
    return new Entry(KEY, "c", "/c/a", 200, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("ok"), 0, 0, List.of());
  }

  @Test
  void aNodesOwnInvalidationArrivingLateLeavesWhatItStoredSince() {
    try (HttpCache here = new HttpCache(null, new SimpleMeterRegistry(), 1 << 20);
        HttpCache there = new HttpCache(null, new SimpleMeterRegistry(), 1 << 20)) {
      long epoch = here.purgeEpoch();
      here.invalidate("/c/a"); // what the POST's answer does on its node, before publishing
      // nothing was held here, yet a Redis read already under way must not bring the old answer back
      assertTrue(here.purgeEpoch() > epoch, "an invalidation counts as a purge even when nothing is held");
      JsonObject published = here.invalidation("/c/a");
      here.put(KEY, List.of(), entry()); // a GET answered at once, stored
      there.put(KEY, List.of(), entry()); // the other node's copy, from before the POST
      there.heard(published);
      here.heard(published); // its own message, arriving late
      assertNull(there.get(KEY), "the other node applies it");
      assertNotNull(here.get(KEY), "the sender keeps what it stored after applying it itself");
      here.heard(new JsonObject().put("key", "/c/a")); // an admin purge
      assertNull(here.get(KEY), "a purge no cache sent is applied everywhere");
    }
  }
}
