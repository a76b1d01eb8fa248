package dev.gantry.gateway.graphql;

import dev.gantry.codecs.SharedMaps;
import dev.gantry.gateway.security.Sha256;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Persisted queries, shared by the cluster: the allow-list (queries an operator persisted through
 * the admin API, kept until removed) and automatic persisted queries (APQ: a client sends a
 * query's SHA-256 and, the first time, the query with it). Both live in cluster maps with a
 * per-node LRU in front. Clients can grow the APQ map, so what they register is bounded: an
 * hour's life, and at most {@value #APQ_PER_MINUTE} new entries a minute from one node (beyond,
 * the query still runs; it is just not remembered).
 */
public final class PersistedQueries {
  static final int LOCAL_ENTRIES = 2_000;
  static final long APQ_TTL_MILLIS = 3_600_000;
  static final int APQ_PER_MINUTE = 120;
  private final Vertx vertx;
  private final Map<String, String> local = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > LOCAL_ENTRIES;
    }
  };
  private long minute;
  private int storedThisMinute;

  public PersistedQueries(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The hex SHA-256 of a query's UTF-8 text, as APQ clients compute it. */
  public static String hash(String query) {
    return Sha256.hex(query);
  }

  /** The allow-listed query of {@code hash}, or null. */
  Future<String> allowed(String hash) {
    return lookup("a:", SharedMaps.GRAPHQL_PERSISTED, hash);
  }

  /** The query of {@code hash}, allow-listed or registered by a client, or null. */
  Future<String> find(String hash) {
    return allowed(hash).compose(q -> q != null ? Future.succeededFuture(q) : lookup("c:", SharedMaps.GRAPHQL_APQ, hash));
  }

  private Future<String> lookup(String prefix, String map, String hash) {
    String known;
    synchronized (local) {
      known = local.get(prefix + hash);
    }
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return vertx.sharedData().<String, String>getAsyncMap(map).compose(m -> m.get(hash)).map(query -> {
      if (query != null && hash(query).equals(hash)) { // what a foreign writer put there must still match
        synchronized (local) {
          local.put(prefix + hash, query);
        }
        return query;
      }
      return null;
    });
  }

  /** Remembers a client's query under its hash (the caller checked they match), within the bound. */
  void register(String hash, String query) {
    long now = System.currentTimeMillis() / 60_000;
    synchronized (local) {
      if (now != minute) {
        minute = now;
        storedThisMinute = 0;
      }
      if (local.containsKey("c:" + hash) || storedThisMinute >= APQ_PER_MINUTE) {
        return;
      }
      storedThisMinute++;
      local.put("c:" + hash, query);
    }
    vertx.sharedData().<String, String>getAsyncMap(SharedMaps.GRAPHQL_APQ)
        .compose(m -> m.put(hash, query, APQ_TTL_MILLIS));
  }

  /** Adds {@code query} to the allow-list (admin API); the future holds its hash. */
  public Future<String> allow(String query) {
    String hash = hash(query);
    return vertx.sharedData().<String, String>getAsyncMap(SharedMaps.GRAPHQL_PERSISTED)
        .compose(m -> m.put(hash, query)).map(hash);
  }

  /** Removes a query from the allow-list; every node forgets it within its LRU's life (the admin API publishes the removal). */
  public Future<Boolean> disallow(String hash) {
    forget(hash);
    return vertx.sharedData().<String, String>getAsyncMap(SharedMaps.GRAPHQL_PERSISTED)
        .compose(m -> m.remove(hash)).map(q -> q != null);
  }

  /** Drops {@code hash} from this node's LRU. */
  public void forget(String hash) {
    synchronized (local) {
      local.remove("a:" + hash);
    }
  }

  /** The allow-list, hash → query (admin API). */
  public Future<JsonObject> list() {
    return vertx.sharedData().<String, String>getAsyncMap(SharedMaps.GRAPHQL_PERSISTED)
        .compose(m -> m.entries()).map(entries -> {
          JsonObject out = new JsonObject();
          entries.forEach(out::put);
          return out;
        });
  }
}
