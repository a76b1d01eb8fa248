package dev.gantry.runtime.seal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts values that failed to open ({@code gantry_cluster_seal_rejected_total{map}}) and logs
 * them — at most one line per map every ten seconds, so a foreign member writing garbage in a loop
 * cannot flood the log; the counter holds every one.
 */
public final class SealRejections {
  private static final Logger LOG = LoggerFactory.getLogger(SealRejections.class);
  static final long LOG_EVERY_MILLIS = 10_000;

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lastLogged = new ConcurrentHashMap<>();

  public SealRejections(MeterRegistry registry) {
    this.registry = registry;
  }

  void reject(String map, Object key, String reason) {
    counters.computeIfAbsent(map, m -> Counter.builder("gantry_cluster_seal_rejected")
        .description("Values in cluster maps that failed authentication and were ignored")
        .tag("map", m).register(registry)).increment();
    long now = System.currentTimeMillis();
    AtomicLong last = lastLogged.computeIfAbsent(map, m -> new AtomicLong(Long.MIN_VALUE / 2));
    long was = last.get();
    if (now - was >= LOG_EVERY_MILLIS && last.compareAndSet(was, now)) {
      LOG.warn("cluster map {}: ignored the value of key {}: {} (a member without the cluster key wrote it, or it "
          + "was changed; counted in gantry_cluster_seal_rejected_total)", map, printable(key), reason);
    }
  }

  /** Rejections counted for {@code map} so far. */
  public long count(String map) {
    Counter c = counters.get(map);
    return c == null ? 0 : (long) c.count();
  }

  private static String printable(Object key) {
    String s = String.valueOf(key);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && i < 200; i++) {
      char c = s.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c & 0xff));
    }
    return out.toString();
  }
}
