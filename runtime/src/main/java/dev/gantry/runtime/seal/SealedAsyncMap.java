package dev.gantry.runtime.seal;

import io.vertx.core.Future;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A cluster map whose values are sealed ({@link ClusterSeal}) before they reach Hazelcast and opened
 * when read. A value that does not open is treated as absent: {@code get} answers null,
 * {@code entries}, {@code values}, {@code keys} and {@code size} leave it out, {@code putIfAbsent}
 * overwrites it — and it is counted and logged ({@link SealRejections}). Conditional operations
 * compare the opened values and then act on the stored ciphertext, so they stay atomic.
 * Keys are not sealed.
 */
final class SealedAsyncMap<K, V> implements AsyncMap<K, V> {
  private final String name;
  private final AsyncMap<K, Object> stored;
  private final ClusterSeal seal;
  private final SealRejections rejections;

  SealedAsyncMap(String name, AsyncMap<K, Object> stored, ClusterSeal seal, SealRejections rejections) {
    this.name = name;
    this.stored = stored;
    this.seal = seal;
    this.rejections = rejections;
  }

  private String sealed(K key, V value) {
    return seal.seal(name, String.valueOf(key), SealedValues.encode(name, Objects.requireNonNull(value, "value")));
  }

  /** The opened value, or null (counted) when there is none that opens. */
  @SuppressWarnings("unchecked")
  private V open(K key, Object raw) {
    if (raw == null) {
      return null;
    }
    try {
      return (V) SealedValues.decode(seal.open(name, String.valueOf(key), raw));
    } catch (ClusterSeal.SealException e) {
      rejections.reject(name, key, e.getMessage());
      return null;
    }
  }

  @Override
  public Future<V> get(K k) {
    return stored.get(k).map(raw -> open(k, raw));
  }

  @Override
  public Future<Void> put(K k, V v) {
    return stored.put(k, sealed(k, v));
  }

  @Override
  public Future<Void> put(K k, V v, long ttl) {
    return stored.put(k, sealed(k, v), ttl);
  }

  @Override
  public Future<V> putIfAbsent(K k, V v) {
    return putIfAbsent(k, v, -1);
  }

  @Override
  public Future<V> putIfAbsent(K k, V v, long ttl) {
    String mine = sealed(k, v);
    Future<Object> previous = ttl < 0 ? stored.putIfAbsent(k, mine) : stored.putIfAbsent(k, mine, ttl);
    return previous.compose(raw -> {
      V opened = open(k, raw);
      if (raw == null || opened != null) {
        return Future.succeededFuture(opened);
      }
      // A value that does not open holds the key: take its place, as if it were absent.
      Future<Boolean> replaced = ttl < 0 ? stored.replaceIfPresent(k, raw, mine) : stored.replaceIfPresent(k, raw, mine, ttl);
      return replaced.compose(done -> done ? Future.succeededFuture((V) null) : putIfAbsent(k, v, ttl));
    });
  }

  @Override
  public Future<V> remove(K k) {
    return stored.remove(k).map(raw -> open(k, raw));
  }

  @Override
  public Future<Boolean> removeIfPresent(K k, V v) {
    return stored.get(k).compose(raw -> {
      V opened = open(k, raw);
      return opened != null && opened.equals(v) ? stored.removeIfPresent(k, raw) : Future.succeededFuture(false);
    });
  }

  @Override
  public Future<V> replace(K k, V v) {
    return stored.replace(k, sealed(k, v)).map(raw -> open(k, raw));
  }

  @Override
  public Future<V> replace(K k, V v, long ttl) {
    return stored.replace(k, sealed(k, v), ttl).map(raw -> open(k, raw));
  }

  @Override
  public Future<Boolean> replaceIfPresent(K k, V oldValue, V newValue) {
    return replaceIfPresent(k, oldValue, newValue, -1);
  }

  @Override
  public Future<Boolean> replaceIfPresent(K k, V oldValue, V newValue, long ttl) {
    return stored.get(k).compose(raw -> {
      V opened = open(k, raw);
      if (opened == null || !opened.equals(oldValue)) {
        return Future.succeededFuture(false);
      }
      String next = sealed(k, newValue);
      return ttl < 0 ? stored.replaceIfPresent(k, raw, next) : stored.replaceIfPresent(k, raw, next, ttl);
    });
  }

  @Override
  public Future<Void> clear() {
    return stored.clear();
  }

  @Override
  public Future<Integer> size() {
    return entries().map(Map::size);
  }

  @Override
  public Future<Set<K>> keys() {
    return entries().map(all -> new LinkedHashSet<>(all.keySet()));
  }

  @Override
  public Future<List<V>> values() {
    return entries().map(all -> new ArrayList<>(all.values()));
  }

  @Override
  public Future<Map<K, V>> entries() {
    return stored.entries().map(all -> {
      Map<K, V> open = new LinkedHashMap<>();
      all.forEach((k, raw) -> {
        V v = open(k, raw);
        if (v != null) {
          open.put(k, v);
        }
      });
      return open;
    });
  }
}
