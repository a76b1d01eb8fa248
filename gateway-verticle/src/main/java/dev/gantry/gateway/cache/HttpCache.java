package dev.gantry.gateway.cache;

import dev.gantry.codecs.Addresses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's HTTP cache: entries in one LRU bounded by bytes (not entries), shared by every
 * route's {@code cache} policy and kept across spec changes. Entries are found by their full key;
 * the {@code Vary} header names of a primary key (everything but the varying values) are kept
 * beside it. A purge — by key (a path and query), path prefix or tag — is published to every node
 * and applied by each to its own entries.
 */
final class HttpCache implements AutoCloseable {
  static final int MAX_PRIMARIES = 200_000;
  /**
   * Most bytes the Vary index may hold: its keys are URLs a client chooses, up to a request line
   * long each, and outlive the entries the LRU evicts, so a count alone (200,000 keys of 8 KB) would
   * let it grow far past the cache's own memory-bytes.
   */
  static final long MAX_INDEX_BYTES = 32L << 20;
  private final Map<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true); // guarded by this
  /** The keys stored under each path and query (every route, host and variant): purges and invalidations by key. */
  private final Map<String, List<String>> keysByPath = new HashMap<>(); // guarded by this
  private final Map<String, List<String>> varyByPrimary = new ConcurrentHashMap<>();
  private final AtomicLong indexBytes = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  /** Counts purges: a copy read from Redis before a purge must not come back into memory after it. */
  private final AtomicLong purgeEpoch = new AtomicLong();
  private volatile long capacity;
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final MessageConsumer<JsonObject> purges;
  /**
   * Names this cache in the invalidations it publishes ({@link #SENT_BY}): it applied them itself
   * before publishing, so its own copy, arriving later, is not applied again — by then it could
   * only throw out an answer stored after the invalidation, a needless miss.
   */
  private final String self = java.util.UUID.randomUUID().toString();
  static final String SENT_BY = "sent-by";

  HttpCache(Vertx vertx, MeterRegistry registry, long capacity) {
    this.registry = registry;
    this.capacity = capacity;
    Gauge.builder("gantry_cache_bytes", bytes, AtomicLong::get).description("Bytes the HTTP cache holds on this node")
        .register(registry);
    this.purges = vertx == null ? null : vertx.eventBus().consumer(Addresses.CACHE_PURGE, m -> heard(m.body()));
  }

  /** A purge message from the event bus: applied, unless this cache sent it. */
  void heard(JsonObject purge) {
    if (!sentHere(purge)) {
      purge(purge);
    }
  }

  /** An invalidation of {@code target} this cache has applied, for the other nodes. */
  JsonObject invalidation(String target) {
    return new JsonObject().put("key", target).put(SENT_BY, self);
  }

  /** Whether {@code purge} is one this cache published (and applied before it did). */
  boolean sentHere(JsonObject purge) {
    return self.equals(purge.getString(SENT_BY));
  }

  /** Grows the cache when a route asks for more room than it has. */
  void atLeast(long bytesWanted) {
    if (bytesWanted > capacity) {
      capacity = bytesWanted;
    }
  }

  /** Bytes the Vary index holds, roughly (its keys and their bookkeeping). */
  long indexBytes() {
    return indexBytes.get();
  }

  List<String> varyOf(String primary) {
    return varyByPrimary.get(primary);
  }

  synchronized Entry get(String key) {
    return entries.get(key);
  }

  void put(String primary, List<String> varyNames, Entry entry) {
    long cost = primary.length() * 2L + 64;
    if (varyByPrimary.size() >= MAX_PRIMARIES || indexBytes.get() + cost > MAX_INDEX_BYTES) {
      varyByPrimary.clear(); // distinct URLs a client makes up must not grow it: a lost name costs one miss
      indexBytes.set(0);
    }
    if (varyByPrimary.put(primary, List.copyOf(varyNames)) == null) {
      indexBytes.addAndGet(cost);
    }
    synchronized (this) {
      Entry old = entries.put(entry.key(), entry);
      if (old != null) {
        bytes.addAndGet(-old.bytes());
        unindex(old);
      }
      bytes.addAndGet(entry.bytes());
      keysByPath.computeIfAbsent(entry.path(), p -> new ArrayList<>(1)).add(entry.key());
      Iterator<Entry> oldest = entries.values().iterator();
      while (bytes.get() > capacity && oldest.hasNext()) {
        Entry evicted = oldest.next();
        oldest.remove();
        bytes.addAndGet(-evicted.bytes());
        unindex(evicted);
        count(evicted.route(), "eviction");
      }
    }
  }

  synchronized void remove(String key) {
    Entry old = entries.remove(key);
    if (old != null) {
      bytes.addAndGet(-old.bytes());
      unindex(old);
    }
  }

  private void unindex(Entry entry) {
    List<String> keys = keysByPath.get(entry.path());
    if (keys != null && keys.remove(entry.key()) && keys.isEmpty()) {
      keysByPath.remove(entry.path());
    }
  }

  /**
   * Drops, on this node, every entry stored under a path and query (each route, host and variant):
   * what an unsafe request that succeeded makes stale (RFC 9111 §4.4). As cheap as the entries it
   * drops, so a flood of such requests costs no scan.
   */
  synchronized int invalidate(String target) {
    // Counted even when nothing is held: a Redis read already under way must not bring back what
    // this invalidates (the node no longer also applies its own invalidation message, which did).
    purgeEpoch.incrementAndGet();
    List<String> keys = keysByPath.get(target);
    if (keys == null) {
      return 0;
    }
    List<String> gone = List.copyOf(keys);
    gone.forEach(this::remove);
    return gone.size();
  }

  /** Applies a purge on this node: {@code {"key": "/p?q"}}, {@code {"prefix": "/p/"}} or {@code {"tag": "t"}}. */
  synchronized int purge(JsonObject what) {
    purgeEpoch.incrementAndGet();
    String key = what.getString("key");
    if (key != null) {
      return invalidate(key);
    }
    String prefix = what.getString("prefix");
    String tag = what.getString("tag");
    List<String> gone = new ArrayList<>();
    for (Entry e : entries.values()) {
      String target = e.path();
      if (prefix != null && target.startsWith(prefix)
          || tag != null && e.tags().contains(tag)) {
        gone.add(e.key());
      }
    }
    gone.forEach(this::remove);
    return gone.size();
  }

  long purgeEpoch() {
    return purgeEpoch.get();
  }

  long bytes() {
    return bytes.get();
  }

  /** Counts one outcome for a route: hit, miss, stale, bypass, revalidated, eviction. */
  void count(String route, String result) {
    counters.computeIfAbsent(route + '\u0000' + result, k -> Counter.builder("gantry_cache_requests")
        .description("HTTP cache outcomes per route (evictions too)").tag("route", route == null ? "-" : route)
        .tag("result", result).register(registry)).increment();
  }

  @Override
  public void close() {
    if (purges != null) {
      purges.unregister();
    }
  }
}
