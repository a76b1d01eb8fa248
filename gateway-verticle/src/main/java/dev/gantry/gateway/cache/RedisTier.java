package dev.gantry.gateway.cache;

import dev.gantry.gateway.security.Sha256;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional second tier: entries in the cluster's Redis, so a node that never fetched a
 * resource serves it from what another node stored. Entries live under
 * {@code gantry:cache:e:<sha256 of key>} with a time to live of their usable life; the Vary names
 * of a primary key under {@code gantry:cache:v:<sha256>}; tags in sets {@code gantry:cache:t:<tag>}
 * and paths in one lexically sorted set, so purges by tag and by prefix find their keys. Redis
 * being slow or down is a miss, never an error: every call is bounded and failures are logged once.
 */
final class RedisTier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisTier.class);
  static final long TIMEOUT_MILLIS = 100;
  private static final String PATHS = "gantry:cache:paths";
  /** Marks a purge message for the nodes' memory only: its sender has dealt with Redis already. */
  static final String MEMORY_ONLY = "memory-only";
  private final io.vertx.core.Vertx vertx;
  private final RedisAPI redis;
  private volatile boolean down;
  private final io.vertx.core.eventbus.MessageConsumer<JsonObject> purges;

  /** @param local this node's memory tier, purged again once Redis is (a read in between may have refilled it) */
  RedisTier(io.vertx.core.Vertx vertx, RedisAPI redis, HttpCache local) {
    this.vertx = vertx;
    this.redis = redis;
    this.purges = vertx.eventBus().consumer(dev.gantry.codecs.Addresses.CACHE_PURGE,
        m -> {
          if (local.sentHere(m.body())) {
            return; // the sender's own: it purged Redis and its memory before it published
          }
          (m.body().getBoolean(MEMORY_ONLY, false) ? Future.<Void>succeededFuture() : purge(m.body()))
              .onComplete(done -> local.purge(m.body()));
        });
  }

  @Override
  public void close() {
    purges.unregister();
  }

  Future<Entry> get(String key) {
    return bounded(redis.get("gantry:cache:e:" + sha(key))).map(r -> r == null ? null : decode(r.toBuffer()))
        .otherwise(e -> null);
  }

  Future<List<String>> varyOf(String primary) {
    return bounded(redis.get("gantry:cache:v:" + sha(primary)))
        .map(r -> r == null ? null : new JsonArray(r.toBuffer()).stream().map(String::valueOf).toList())
        .otherwise(e -> null);
  }

  /** Stores an entry for {@code ttlMillis}, with its Vary names and its purge indexes. */
  void put(String primary, List<String> vary, Entry entry, long ttlMillis) {
    if (ttlMillis <= 0) {
      return;
    }
    String hash = sha(entry.key());
    String ttl = Long.toString(Math.max(1, ttlMillis));
    List<Future<?>> all = new ArrayList<>();
    all.add(redis.set(List.of("gantry:cache:e:" + hash, encode(entry).toString(), "PX", ttl)));
    all.add(redis.set(List.of("gantry:cache:v:" + sha(primary), new JsonArray(vary).encode(), "PX", ttl)));
    all.add(redis.zadd(List.of(PATHS, "0", entry.path() + '\u0000' + hash)));
    for (String tag : entry.tags()) {
      all.add(redis.sadd(List.of("gantry:cache:t:" + sha(tag), hash)));
    }
    bounded(Future.all(all)).onFailure(this::failed).onSuccess(v -> recovered());
  }

  /** Deletes what is stored under a path and query, within the tier's time bound (failing is a miss later, not an error). */
  Future<Void> invalidate(String target) {
    return bounded(purge(new JsonObject().put("key", target))).otherwiseEmpty();
  }

  /** Deletes what a purge names from Redis (each node does it too: deleting twice is harmless). */
  Future<Void> purge(JsonObject what) {
    Future<List<String>> hashes;
    if (what.getString("tag") != null) {
      String set = "gantry:cache:t:" + sha(what.getString("tag"));
      hashes = redis.smembers(set).compose(r -> redis.del(List.of(set)).map(list(r)));
    } else {
      String prefix = what.getString("prefix") != null ? what.getString("prefix") : what.getString("key") + '\u0000';
      String from = "[" + prefix;
      String to = "[" + prefix + '\uffff';
      hashes = redis.zrangebylex(List.of(PATHS, from, to)).compose(r -> {
        List<String> members = list(r);
        List<String> keys = members.stream()
            .filter(m -> what.getString("key") == null || m.startsWith(what.getString("key") + '\u0000'))
            .map(m -> m.substring(m.lastIndexOf('\u0000') + 1)).toList();
        if (members.isEmpty()) {
          return Future.succeededFuture(keys);
        }
        List<String> args = new ArrayList<>(List.of(PATHS));
        args.addAll(members);
        return redis.zrem(args).map(keys);
      });
    }
    return hashes.compose(list -> list.isEmpty() ? Future.succeededFuture()
            : redis.del(list.stream().map(h -> "gantry:cache:e:" + h).toList()))
        .onFailure(this::failed).mapEmpty();
  }

  private static List<String> list(Response r) {
    List<String> out = new ArrayList<>();
    if (r != null) {
      r.forEach(item -> out.add(item.toString()));
    }
    return out;
  }

  private <T> Future<T> bounded(Future<T> call) {
    io.vertx.core.Promise<T> done = io.vertx.core.Promise.promise();
    long timer = vertx.setTimer(TIMEOUT_MILLIS, id -> done.tryFail("Redis did not answer within " + TIMEOUT_MILLIS + " ms"));
    call.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.failed()) {
        failed(ar.cause());
      }
      if (ar.succeeded()) {
        done.tryComplete(ar.result());
      } else {
        done.tryFail(ar.cause());
      }
    });
    return done.future();
  }

  private void failed(Throwable e) {
    if (!down) {
      down = true;
      LOG.warn("HTTP cache: the Redis tier is unavailable ({}); serving from this node's memory", e.getMessage());
    }
  }

  private void recovered() {
    if (down) {
      down = false;
      LOG.info("HTTP cache: the Redis tier answers again");
    }
  }

  static Buffer encode(Entry e) {
    JsonArray headers = new JsonArray();
    e.headers().forEach(h -> headers.add(new JsonArray().add(h.getKey()).add(h.getValue())));
    return new JsonObject().put("key", e.key()).put("route", e.route()).put("path", e.path()).put("status", e.status())
        .put("headers", headers).put("body", Base64.getEncoder().encodeToString(e.body().getBytes()))
        .put("requestTime", e.requestTime()).put("responseTime", e.responseTime()).put("tags", new JsonArray(e.tags()))
        .toBuffer();
  }

  static Entry decode(Buffer stored) {
    try {
      JsonObject json = new JsonObject(stored);
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      json.getJsonArray("headers").forEach(h -> headers.add(((JsonArray) h).getString(0), ((JsonArray) h).getString(1)));
      return new Entry(json.getString("key"), json.getString("route"), json.getString("path"), json.getInteger("status"),
          headers, Buffer.buffer(Base64.getDecoder().decode(json.getString("body"))), json.getLong("requestTime"),
          json.getLong("responseTime"), json.getJsonArray("tags").stream().map(String::valueOf).toList());
    } catch (RuntimeException e) {
      return null; // written by another version, or damaged: a miss
    }
  }

  static String sha(String text) {
    return Sha256.hex(text);
  }
}
