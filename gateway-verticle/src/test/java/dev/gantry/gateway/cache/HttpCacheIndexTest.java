package dev.gantry.gateway.cache;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Vary index beside the cache's LRU stays bounded by bytes whatever URLs clients make up. */
class HttpCacheIndexTest {
  @Test
  void longMadeUpUrlsDoNotGrowTheVaryIndexPastItsBound() {
    try (HttpCache cache = new HttpCache(null, new SimpleMeterRegistry(), 1 << 20)) {
      String padding = "x".repeat(8_000); // a request line's worth of path
      for (int i = 0; i < 10_000; i++) {
        String primary = "GET h /c/" + i + padding;
        cache.put(primary, List.of("accept-encoding"), new Entry(primary + "|gzip", "c", "/c/" + i, 200,
            MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("ok"), 0, 0, List.of()));
      }
      // 10,000 keys of 8 KB: 160 MB of index if only their count were bounded
      assertTrue(cache.indexBytes() <= HttpCache.MAX_INDEX_BYTES, cache.indexBytes() + " bytes");
      assertTrue(cache.varyOf("GET h /c/0" + padding) == null, "the oldest made-up URLs were let go");
    }
  }
}
