package dev.gantry.services.sdk;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.Map;

/**
 * Where the services' backends are, already resolved (configured, embedded or shared by the
 * cluster), with the clients built from them.
 */
public record ServiceBackends(String pgUrl, int pgPoolSize, String redisUrl, int redisPoolSize,
    String kafkaBootstrap) {

  public Pool pgPool(Vertx vertx) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(pgPoolSize))
        .connectingTo(PgConnectOptions.fromUri(pgUrl).setReconnectAttempts(2).setReconnectInterval(500))
        .using(vertx)
        .build();
  }

  public Redis redis(Vertx vertx) {
    return Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl)
        .setMaxPoolSize(redisPoolSize).setMaxPoolWaiting(1024));
  }

  /** Producer settings: acknowledged by all replicas, idempotent, failing fast while Kafka is down. */
  public Map<String, String> kafkaProducer(String clientId) {
    return Map.of(
        "bootstrap.servers", kafkaBootstrap,
        "client.id", clientId,
        "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "value.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "acks", "all",
        "enable.idempotence", "true",
        "max.block.ms", "3000",
        "request.timeout.ms", "3000",
        "delivery.timeout.ms", "6000");
  }
}
