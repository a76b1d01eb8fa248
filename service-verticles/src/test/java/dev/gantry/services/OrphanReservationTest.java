package dev.gantry.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.Codecs;
import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.services.inventory.StockLedger;
import dev.gantry.services.inventory.StockSeeder;
import dev.gantry.services.orders.OrdersOptions;
import dev.gantry.services.orders.OrdersVerticle;
import dev.gantry.services.schema.SchemaMigrator;
import dev.gantry.services.sdk.ServiceBackends;
import dev.gantry.services.sdk.ServiceContext;
import dev.gantry.testkit.Poll;
import dev.gantry.testkit.TestBackends;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A node killed between reserving an order's stock in Redis and committing the order in Postgres
 * leaves a reservation no order owns; the client's retry reserves again for the order it places.
 * The orders service gives such units back once the reservation is old enough, and leaves the
 * reservations of orders that exist alone.
 */
class OrphanReservationTest {

  @Test
  void theUnitsOfAReservationWhoseOrderWasNeverWrittenGoBackWhileAnOpenOrderKeepsItsOwn() {
    Vertx vertx = Vertx.vertx();
    Codecs.register(vertx.eventBus());
    TestBackends kit = TestBackends.shared();
    ServiceBackends backends = new ServiceBackends(kit.newPgDatabase(), 4, kit.newRedisUrl(), 4, kit.kafkaBootstrap());
    Pool pool = backends.pgPool(vertx);
    Redis redis = backends.redis(vertx);
    try {
      SchemaMigrator.migrate(vertx, pool).await();
      StockSeeder.seed(pool, RedisAPI.api(redis)).await();
      vertx.deployVerticle(new OrdersVerticle(backends, new ServiceContext("node-a", "default", ServiceCatalog.create(vertx)),
          new OrdersOptions().withOutboxPollMillis(100).withOrphanReservationAge(Duration.ofSeconds(2)))).await();
      StockLedger ledger = new StockLedger(RedisAPI.api(redis));
      long before = ledger.available(4).await();

      HttpReply placed = vertx.eventBus().<HttpReply>request(Addresses.httpService("orders", null),
          new HttpCall("POST", "/orders", null, Map.of("Content-Type", "application/json"),
              Buffer.buffer("{\"items\":[{\"productId\":4,\"quantity\":2}]}")),
          Envelope.start("req-" + UUID.randomUUID(), null, 30_000, null).deliveryOptions()).await().body();
      assertEquals(201, placed.status(), placed.body().toString());
      // What the killed node left: units taken for an order id that no order has.
      assertNull(ledger.reserve(UUID.randomUUID().toString(), Map.of(4L, 3)).await());
      assertEquals(before - 5, ledger.available(4).await());

      Poll.until(vertx, Duration.ofSeconds(30), "the orphaned 3 units back, the open order's 2 still taken",
          () -> ledger.available(4).await() == before - 2);
      // Paying settles the order's reservation: had the sweep given its units back too, they would stay back.
      String id = new JsonObject(placed.body()).getString("id");
      HttpReply paid = vertx.eventBus().<HttpReply>request(Addresses.httpService("orders", null),
          new HttpCall("POST", "/orders/" + id + "/pay", null, Map.of(), Buffer.buffer()),
          Envelope.start("req-" + UUID.randomUUID(), null, 30_000, null).deliveryOptions()).await().body();
      assertEquals(200, paid.status(), paid.body().toString());
      assertEquals(before - 2, ledger.available(4).await());
    } finally {
      redis.close().await();
      pool.close().await();
      vertx.close().await();
    }
  }
}
