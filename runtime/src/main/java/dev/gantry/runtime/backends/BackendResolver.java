package dev.gantry.runtime.backends;

import dev.gantry.config.GantryConfig;
import dev.gantry.embedded.EmbeddedBackend;
import dev.gantry.embedded.EmbeddedKafkaBroker;
import dev.gantry.embedded.EmbeddedPostgresServer;
import dev.gantry.embedded.EmbeddedRedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.shareddata.AsyncMap;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves each backend on its own. Under a cluster-wide lock, so two nodes starting together do
 * not both start embedded servers, a node reuses endpoints another node published if they answer,
 * and otherwise starts its own under the data directory and publishes them.
 */
public final class BackendResolver {
  private static final Logger LOG = LoggerFactory.getLogger(BackendResolver.class);
  static final String MAP = "gantry.embedded-backends";
  static final String LOCK = "gantry.embedded-backends.lock";

  private final Vertx vertx;
  private final GantryConfig config;
  private final List<EmbeddedBackend> owned = new ArrayList<>();
  private final List<String> published = new ArrayList<>();

  public BackendResolver(Vertx vertx, GantryConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  public Future<ResolvedBackends> resolve() {
    if (config.pgUrl().isPresent() && config.redisUrl().isPresent() && config.kafkaBootstrap().isPresent()) {
      return Future.succeededFuture(new ResolvedBackends(config.pgUrl().get(), config.redisUrl().get(),
          config.kafkaBootstrap().get(), List.of(), List.of()));
    }
    return vertx.sharedData().getLockWithTimeout(LOCK, 180_000).compose(lock ->
        vertx.sharedData().<String, String>getAsyncMap(MAP).compose(map -> {
          Path data = config.dataDir().toAbsolutePath();
          Future<String> pg = one(map, "postgres", config.pgUrl(),
              () -> EmbeddedPostgresServer.start(data.resolve("postgres")));
          Future<String> redis = pg.compose(v -> one(map, "redis", config.redisUrl(),
              () -> EmbeddedRedisServer.start(data.resolve("redis"))));
          Future<String> kafka = redis.compose(v -> one(map, "kafka", config.kafkaBootstrap(),
              () -> EmbeddedKafkaBroker.start(data.resolve("kafka"))));
          return kafka.map(k -> new ResolvedBackends(pg.result(), redis.result(), k, owned, published));
        }).eventually(() -> {
          lock.release();
          return Future.succeededFuture();
        }))
        .onFailure(e -> owned.forEach(EmbeddedBackend::close));
  }

  /**
   * For a node that starts no backend (a gateway-only node): the configured endpoints, else those
   * another node published in the cluster, else none (null). Its policies (rate limits, API keys)
   * then use the cluster's own Redis and Postgres.
   */
  public Future<ResolvedBackends> lookup() {
    return vertx.sharedData().<String, String>getAsyncMap(MAP).compose(map -> Future.all(
        config.pgUrl().map(Future::succeededFuture).orElseGet(() -> map.get("postgres")),
        config.redisUrl().map(Future::succeededFuture).orElseGet(() -> map.get("redis")),
        config.kafkaBootstrap().map(Future::succeededFuture).orElseGet(() -> map.get("kafka"))))
        .map(all -> new ResolvedBackends(all.resultAt(0), all.resultAt(1), all.resultAt(2), List.of(), List.of()));
  }

  private Future<String> one(AsyncMap<String, String> map, String key, Optional<String> configured,
      Callable<EmbeddedBackend> starter) {
    if (configured.isPresent()) {
      return Future.succeededFuture(configured.get());
    }
    return map.get(key).compose(shared -> shared == null ? Future.succeededFuture(false) : answers(shared))
        .compose(reuse -> {
          if (reuse) {
            return map.get(key).onSuccess(url -> LOG.info("using the cluster's embedded {} at {}", key, url));
          }
          LOG.info("starting embedded {} under {}", key, config.dataDir().toAbsolutePath());
          // Embedded servers start with blocking process and file I/O: keep it off the event loop.
          return vertx.executeBlocking(starter).compose(backend -> {
            owned.add(backend);
            published.add(key);
            return map.put(key, backend.endpoint()).map(backend.endpoint());
          });
        });
  }

  /** Whether something listens at the endpoint's first host:port. */
  private Future<Boolean> answers(String endpoint) {
    String first = endpoint.split(",")[0];
    URI uri = URI.create(first.contains("://") ? first : "tcp://" + first);
    NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(1_000));
    return client.connect(uri.getPort(), uri.getHost())
        .compose(socket -> socket.close().map(true))
        .otherwise(false)
        .eventually(client::close);
  }

  /** Removes what this node published, so no other node picks up endpoints about to vanish. */
  public static Future<Void> unpublish(Vertx vertx, ResolvedBackends backends) {
    if (backends.published().isEmpty()) {
      return Future.succeededFuture();
    }
    return vertx.sharedData().<String, String>getAsyncMap(MAP).compose(map -> Future.all(
        backends.published().stream().map(map::remove).toList())).mapEmpty();
  }
}
