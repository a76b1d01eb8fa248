package dev.gantry.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.Codecs;
import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.orders.Order;
import dev.gantry.codecs.orders.OrderItem;
import dev.gantry.codecs.orders.PlaceOrder;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.embedded.EmbeddedKafkaBroker;
import dev.gantry.services.orders.OrdersVerticle;
import dev.gantry.services.schema.SchemaMigrator;
import dev.gantry.services.sdk.ServiceBackends;
import dev.gantry.services.sdk.ServiceContext;
import dev.gantry.testkit.Poll;
import dev.gantry.testkit.TestBackends;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox relay against a real Kafka broker of this test's own (the test kit's shared broker
 * serves other tests, so it is not the one taken down).
 */
@ExtendWith(VertxExtension.class)
class OutboxRelayTest {
  private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  @TempDir Path dir;

  @Test
  void anOrderPlacedWhileKafkaIsDownIsPublishedWithItsHeadersOnceKafkaIsBack(Vertx vertx) throws Exception {
    Codecs.register(vertx.eventBus());
    TestBackends kit = TestBackends.shared();
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
    int port = broker.port();
    ServiceBackends backends = new ServiceBackends(kit.newPgDatabase(), 4, kit.newRedisUrl(), 1, broker.endpoint());
    Pool pool = backends.pgPool(vertx);
    try {
      SchemaMigrator.migrate(vertx, pool).await();
      io.vertx.redis.client.Redis redis = backends.redis(vertx);
      dev.gantry.services.inventory.StockSeeder.seed(pool, io.vertx.redis.client.RedisAPI.api(redis)).await();
      redis.close().await();
      vertx.deployVerticle(new OrdersVerticle(backends, new ServiceContext("node-a", "default",
          ServiceCatalog.create(vertx)), 100)).await();

      Order before = place(vertx, "req-outbox-1");
      Poll.until(vertx, Duration.ofSeconds(60), "an order placed while Kafka is up is marked sent",
          () -> outboxRow(pool, before.id()).getValue("sent_at") != null);

      broker.close();
      Order during = place(vertx, "req-outbox-2");
      Poll.until(vertx, Duration.ofSeconds(60), "a failed publish attempt is recorded",
          () -> outboxRow(pool, during.id()).getInteger("attempts") >= 1);
      assertNull(outboxRow(pool, during.id()).getValue("sent_at"), "not marked sent while Kafka is down");

      broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), port);
      Poll.until(vertx, Duration.ofSeconds(90), "the row is marked sent once Kafka is back",
          () -> outboxRow(pool, during.id()).getValue("sent_at") != null);

      Queue<KafkaConsumerRecord<String, String>> records = new ConcurrentLinkedQueue<>();
      KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, Map.of(
          "bootstrap.servers", broker.endpoint(), "group.id", "outbox-" + UUID.randomUUID(),
          "auto.offset.reset", "earliest",
          "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
          "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"));
      consumer.handler(records::add);
      consumer.subscribe(OrdersVerticle.TOPIC).await();
      Poll.until(vertx, Duration.ofSeconds(60), "both orders on the topic",
          () -> records.stream().anyMatch(r -> r.key().equals(before.id()))
              && records.stream().anyMatch(r -> r.key().equals(during.id())));
      consumer.close().await();

      KafkaConsumerRecord<String, String> record = records.stream().filter(r -> r.key().equals(during.id()))
          .findFirst().orElseThrow();
      JsonObject value = new JsonObject(record.value());
      assertEquals("order.placed", value.getString("type"));
      assertEquals(during.id(), value.getJsonObject("order").getString("id"));
      assertEquals(outboxRow(pool, during.id()).getUUID("event_id").toString(), header(record, "gantry-event-id"));
      assertEquals("req-outbox-2", header(record, "gantry-request-id"));
      assertTrue(header(record, "traceparent").startsWith("00-0af7651916cd43dd8448eb211c80319c-"),
          header(record, "traceparent"));
      assertEquals("req-outbox-1", header(records.stream().filter(r -> r.key().equals(before.id()))
          .findFirst().orElseThrow(), "gantry-request-id"));
    } finally {
      pool.close().await();
      vertx.close().await(); // the relay's producer first, then its broker
      broker.close();
    }
  }

  private static Order place(Vertx vertx, String requestId) {
    return vertx.eventBus().<Order>request(Addresses.ORDERS_PLACE, new PlaceOrder(List.of(new OrderItem(1, 1))),
        Envelope.start(requestId, TRACEPARENT, 5_000, null).deliveryOptions()).await().body();
  }

  private static String header(KafkaConsumerRecord<String, String> record, String name) {
    return record.headers().stream().filter(h -> h.key().equals(name)).map(h -> h.value().toString(StandardCharsets.UTF_8))
        .findFirst().orElse(null);
  }

  private static Row outboxRow(Pool pool, String orderId) {
    return pool.preparedQuery("SELECT id, event_id, attempts, sent_at FROM outbox WHERE record_key = $1")
        .execute(Tuple.of(orderId)).await().iterator().next();
  }
}
