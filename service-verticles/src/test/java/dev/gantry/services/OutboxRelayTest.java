package dev.gantry.services;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.Codecs;
import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.orders.Order;
import dev.gantry.codecs.orders.OrderItem;
import dev.gantry.codecs.orders.PlaceOrder;
import dev.gantry.embedded.FreePort;
import dev.gantry.services.orders.OrdersVerticle;
import dev.gantry.services.schema.SchemaMigrator;
import dev.gantry.services.sdk.ServiceBackends;
import dev.gantry.services.sdk.ServiceContext;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.testkit.Poll;
import dev.gantry.testkit.TestBackends;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class OutboxRelayTest {

  @Test
  void anOrderPlacedWhileKafkaIsDownIsPublishedOnceKafkaIsBack(Vertx vertx) throws Exception {
    Codecs.register(vertx.eventBus());
    TestBackends kit = TestBackends.shared();
    String pgUrl = kit.newPgDatabase();
    String redisUrl = kit.newRedisUrl();
    ServiceBackends down = new ServiceBackends(pgUrl, 4, redisUrl, 1, "127.0.0.1:" + FreePort.pick());
    ServiceBackends up = new ServiceBackends(pgUrl, 4, redisUrl, 1, kit.kafkaBootstrap());
    Pool pool = up.pgPool(vertx);
    try {
      SchemaMigrator.migrate(vertx, pool).await();
      String deployment = vertx.deployVerticle(new OrdersVerticle(down, new ServiceContext("node-a", "default", ServiceCatalog.create(vertx)), 100)).await();
      Order order = vertx.eventBus().<Order>request(Addresses.ORDERS_PLACE,
          new PlaceOrder(List.of(new OrderItem(1, 1))),
          Envelope.start(null, null, 5_000, null).deliveryOptions()).await().body();

      Poll.until(vertx, Duration.ofSeconds(30), "a failed publish attempt is recorded",
          () -> outboxRow(pool, order.id()).getInteger("attempts") >= 1);
      Row waiting = outboxRow(pool, order.id());
      assertEquals(null, waiting.getValue("sent_at"), "not marked sent while Kafka is down");
      vertx.undeploy(deployment).await();

      vertx.deployVerticle(new OrdersVerticle(up, new ServiceContext("node-b", "default", ServiceCatalog.create(vertx)), 100)).await();
      Poll.until(vertx, Duration.ofSeconds(30), "the row is marked sent",
          () -> outboxRow(pool, order.id()).getValue("sent_at") != null);

      KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, Map.of(
          "bootstrap.servers", kit.kafkaBootstrap(), "group.id", "outbox-" + UUID.randomUUID(),
          "auto.offset.reset", "earliest",
          "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
          "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"));
      CompletableFuture<String> value = new CompletableFuture<>();
      consumer.handler(r -> {
        if (order.id().equals(r.key())) {
          value.complete(r.value());
        }
      });
      consumer.subscribe(OrdersVerticle.TOPIC).await();
      assertEquals(order.id(), new io.vertx.core.json.JsonObject(value.get(60, TimeUnit.SECONDS))
          .getJsonObject("order").getString("id"));
      consumer.close().await();
    } finally {
      pool.close().await();
    }
  }

  private static Row outboxRow(Pool pool, String orderId) {
    return pool.preparedQuery("SELECT attempts, sent_at FROM outbox WHERE record_key = $1")
        .execute(Tuple.of(orderId)).await().iterator().next();
  }
}
