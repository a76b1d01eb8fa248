package dev.gantry.gateway.policy;

import dev.gantry.codecs.SharedMaps;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a gateway node lends its policies beyond configuration: its Vert.x (timers, the cluster's
 * shared data and event bus), clients of the cluster's Redis and Postgres (made on first use, so a
 * gateway whose routes need neither opens no connection), its data directory, how many gateway
 * nodes the cluster has, and a place for state that must outlive one applied spec (key sets
 * fetched, counters) — policies are made anew on every spec change, their caches should not be.
 */
public final class NodeResources implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeResources.class);
  static final long NODE_COUNT_REFRESH_MILLIS = 5_000;
  private final Vertx vertx;
  private final String redisUrl;
  private final String pgUrl;
  private final Path dataDir;
  private final Map<String, Object> kept = new ConcurrentHashMap<>();
  private volatile RedisAPI redis;
  private volatile Redis redisClient;
  private volatile Pool pg;
  private volatile io.vertx.core.http.HttpClient http;
  private volatile int gatewayNodes = 1;
  private volatile long countTimer = -1;

  /**
   * @param vertx    the node's Vert.x; null when only checking a spec
   * @param redisUrl the cluster's Redis, or null when there is none
   * @param pgUrl    the cluster's Postgres, or null when there is none
   * @param dataDir  where this node keeps files (the dev signing key)
   */
  public NodeResources(Vertx vertx, String redisUrl, String pgUrl, Path dataDir) {
    this.vertx = vertx;
    this.redisUrl = redisUrl;
    this.pgUrl = pgUrl;
    this.dataDir = dataDir;
  }

  /** For checking a spec without running it: no Vert.x, no backend. */
  public static NodeResources detached() {
    return new NodeResources(null, null, null, Path.of("gantry-data"));
  }

  /** The node's Vert.x, or null when the spec is only being checked. */
  public Vertx vertx() {
    return vertx;
  }

  public boolean running() {
    return vertx != null;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The cluster's Redis, or null when none is configured or embedded. */
  public RedisAPI redis() {
    if (redis == null && redisUrl != null && vertx != null) {
      synchronized (this) {
        if (redis == null) {
          redisClient = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl)
              .setMaxPoolSize(16).setMaxPoolWaiting(4096));
          redis = RedisAPI.api(redisClient);
        }
      }
    }
    return redis;
  }

  /** The cluster's Postgres, or null when none is configured or embedded. */
  public Pool pg() {
    if (pg == null && pgUrl != null && vertx != null) {
      synchronized (this) {
        if (pg == null) {
          pg = PgBuilder.pool().with(new PoolOptions().setMaxSize(4))
              .connectingTo(PgConnectOptions.fromUri(pgUrl).setReconnectAttempts(2).setReconnectInterval(500))
              .using(vertx).build();
        }
      }
    }
    return pg;
  }

  /**
   * A client for the gateway's own outbound calls (key sets, discovery documents, introspection),
   * apart from the upstream pools.
   */
  public io.vertx.core.http.HttpClient httpClient() {
    if (http == null && vertx != null) {
      synchronized (this) {
        if (http == null) {
          http = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setConnectTimeout(3_000)
              .setKeepAlive(true), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(8));
        }
      }
    }
    return http;
  }

  /**
   * How many gateway nodes the cluster has (at least 1), from the cluster's node map, refreshed
   * every few seconds once someone asks: a limit split among nodes while the shared store is down.
   */
  public int gatewayNodes() {
    if (countTimer < 0 && vertx != null) {
      synchronized (this) {
        if (countTimer < 0) {
          countTimer = vertx.setPeriodic(0, NODE_COUNT_REFRESH_MILLIS, id -> countGatewayNodes());
        }
      }
    }
    return gatewayNodes;
  }

  private Future<Void> countGatewayNodes() {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(SharedMaps.NODES)
        .compose(map -> map.values())
        .onSuccess(nodes -> gatewayNodes = Math.max(1, (int) nodes.stream()
            .filter(n -> n.getJsonArray("roles", new JsonArray()).contains("gateway")).count()))
        .onFailure(e -> LOG.debug("cannot count gateway nodes: {}", e.toString()))
        .mapEmpty();
  }

  /**
   * The value kept under {@code key}, made by {@code make} the first time: state that outlives
   * one applied spec. Kept values that are {@link AutoCloseable} are closed with the node.
   */
  @SuppressWarnings("unchecked")
  public <T> T keep(String key, Supplier<T> make) {
    return (T) kept.computeIfAbsent(key, k -> make.get());
  }

  /** The kept values of one kind (issuers' key-set states for the status document). */
  public <T> java.util.List<T> keptOf(Class<T> kind) {
    return kept.values().stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  @Override
  public void close() {
    if (countTimer >= 0 && vertx != null) {
      vertx.cancelTimer(countTimer);
    }
    kept.values().forEach(value -> {
      if (value instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          LOG.debug("closing {}: {}", value, e.toString());
        }
      }
    });
    if (http != null) {
      http.close();
    }
    if (redisClient != null) {
      redisClient.close();
    }
    if (pg != null) {
      pg.close();
    }
  }
}
