package dev.gantry.runtime.cluster;

import dev.gantry.codecs.SharedMaps;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Keeps this node's entry in the cluster's node map alive: written with a 15 s time-to-live and
 * renewed every 5 s, removed on a clean stop, and by the survivors when the cluster notices a
 * crashed node ({@link #forget}); the time-to-live is what is left should no survivor manage it.
 */
public final class NodeDirectory {
  static final long TTL_MILLIS = 15_000;
  static final long RENEW_MILLIS = 5_000;

  private final Vertx vertx;
  private final JsonObject entry;
  private long timer = -1;

  public NodeDirectory(Vertx vertx, JsonObject entry) {
    this.vertx = vertx;
    this.entry = entry;
  }

  public Future<Void> publish() {
    timer = vertx.setPeriodic(RENEW_MILLIS, id -> put());
    return put();
  }

  private Future<Void> put() {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(SharedMaps.NODES)
        .compose(map -> map.put(entry.getString("node"), entry, TTL_MILLIS));
  }

  /** Removes the entry of {@code node}, which left the cluster (a dead node cannot remove its own). */
  static Future<Boolean> forget(Vertx vertx, String node) {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(SharedMaps.NODES)
        .compose(map -> map.remove(node)).map(removed -> removed != null);
  }

  /** Removes this node's entry; fails (never throws) when the cluster is already gone. */
  public Future<Void> withdraw() {
    vertx.cancelTimer(timer);
    try {
      return vertx.sharedData().<String, JsonObject>getAsyncMap(SharedMaps.NODES)
          .compose(map -> map.remove(entry.getString("node"))).mapEmpty();
    } catch (RuntimeException e) {
      // Hazelcast throws at once when this member was shut down: a stop must go on regardless
      return Future.failedFuture(e);
    }
  }
}
