package dev.gantry.runtime.health;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The checks behind {@code /health/ready}, with their own small clients so that a saturated
 * service pool does not make the node look down.
 */
public final class ReadinessChecks {
  static final long TIMEOUT_MILLIS = 2_000;

  private final HealthChecks checks;
  private final Pool pg;
  private final Redis redis;
  private final KafkaAdminClient kafka;

  /**
   * Backends given as null are not checked (a gateway-only node uses none); a null cluster is a
   * standalone node's, which has no membership to lose.
   */
  public ReadinessChecks(Vertx vertx, ClusterManager cluster, String nodeId, String pgUrl, String redisUrl,
      String kafkaBootstrap) {
    this.checks = HealthChecks.create(vertx);
    this.pg = pgUrl == null ? null : PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(PgConnectOptions.fromUri(pgUrl))
        .using(vertx).build();
    this.redis = redisUrl == null ? null
        : Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl).setMaxPoolSize(1));
    this.kafka = kafkaBootstrap == null ? null : KafkaAdminClient.create(vertx, Map.of("bootstrap.servers", kafkaBootstrap,
        "request.timeout.ms", Long.toString(TIMEOUT_MILLIS),
        "default.api.timeout.ms", Long.toString(TIMEOUT_MILLIS),
        "reconnect.backoff.max.ms", "1000"));
    if (pg != null) {
      checks.register("postgres", TIMEOUT_MILLIS, check(() -> pg.query("SELECT 1").execute().mapEmpty()));
    }
    if (redis != null) {
      RedisAPI redisApi = RedisAPI.api(redis);
      checks.register("redis", TIMEOUT_MILLIS, check(() -> redisApi.ping(List.of()).mapEmpty()));
    }
    if (kafka != null) {
      checks.register("kafka", TIMEOUT_MILLIS, check(() -> kafka.describeCluster()
          .map(d -> new JsonObject().put("brokers", d.getNodes().size()))));
    }
    if (cluster == null) {
      checks.register("cluster", TIMEOUT_MILLIS, promise -> promise.complete(Status.OK(new JsonObject()
          .put("standalone", true).put("node", nodeId))));
      return;
    }
    checks.register("cluster", TIMEOUT_MILLIS, promise -> promise.complete(cluster.isActive()
        ? Status.OK(new JsonObject().put("members", cluster.getNodes().size())
            .put("node", cluster.getNodeId()))
        : Status.KO(new JsonObject().put("reason", "not a member of the cluster"))));
  }

  public HealthChecks healthChecks() {
    return checks;
  }

  private static Handler<Promise<Status>> check(Supplier<Future<?>> probe) {
    return promise -> probe.get().onComplete(ar -> {
      if (ar.succeeded()) {
        promise.complete(ar.result() instanceof JsonObject data ? Status.OK(data) : Status.OK());
      } else {
        promise.complete(Status.KO(new JsonObject().put("reason", String.valueOf(ar.cause().getMessage()))));
      }
    });
  }

  public Future<Void> close() {
    return Future.join(pg == null ? Future.succeededFuture() : pg.close(),
        redis == null ? Future.succeededFuture() : redis.close(),
        kafka == null ? Future.succeededFuture() : kafka.close()).mapEmpty();
  }
}
