package dev.gantry.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.Codecs;
import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import dev.gantry.codecs.orders.Order;
import dev.gantry.codecs.orders.OrderItem;
import dev.gantry.codecs.orders.PlaceOrder;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.services.inventory.InventoryVerticle;
import dev.gantry.services.inventory.StockSeeder;
import dev.gantry.services.orders.OrdersVerticle;
import dev.gantry.services.schema.SchemaMigrator;
import dev.gantry.services.sdk.ServiceBackends;
import dev.gantry.services.sdk.ServiceContext;
import dev.gantry.testkit.TestBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The orders service keeping its promises, seen from its HTTP-shaped bus address (what a gateway
 * route calls) and its typed one: stock reserved atomically, idempotent placement, cancel and pay.
 */
class OrderLifecycleTest {
  private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  private static final String ORDERS = Addresses.httpService("orders", null);
  private static final String INVENTORY = Addresses.httpService("inventory", null);
  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    Codecs.register(vertx.eventBus());
    TestBackends kit = TestBackends.shared();
    ServiceBackends backends = new ServiceBackends(kit.newPgDatabase(), 8, kit.newRedisUrl(), 8, kit.kafkaBootstrap());
    pool = backends.pgPool(vertx);
    SchemaMigrator.migrate(vertx, pool).await();
    // Product 5 has its last 10 units; the others keep their seed stock.
    pool.query("UPDATE products SET initial_stock = 10 WHERE id = 5").execute().await();
    Redis redis = backends.redis(vertx);
    StockSeeder.seed(pool, RedisAPI.api(redis)).await();
    redis.close().await();
    ServiceContext context = new ServiceContext("node-a", "default", ServiceCatalog.create(vertx));
    vertx.deployVerticle(new OrdersVerticle(backends, context, 100)).await();
    vertx.deployVerticle(new InventoryVerticle(backends, context)).await();
  }

  @AfterAll
  static void stop() {
    pool.close().await();
    vertx.close().await();
  }

  @Test
  void twoHundredConcurrentOrdersForTheLastTenUnitsPlaceExactlyTen() {
    List<Future<HttpReply>> attempts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      attempts.add(post("/orders", "{\"items\":[{\"productId\":5,\"quantity\":1}]}", Map.of()));
    }
    Future.join(attempts).otherwiseEmpty().await();
    long placed = attempts.stream().filter(f -> f.succeeded() && f.result().status() == 201).count();
    List<Throwable> refused = attempts.stream().filter(Future::failed).map(Future::cause).toList();
    assertEquals(10, placed);
    assertEquals(190, refused.size());
    refused.forEach(e -> {
      assertEquals(409, ((ReplyException) e).failureCode(), e.getMessage());
      assertEquals("items[0].quantity: 1 wanted, 0 of product 5 in stock", e.getMessage());
    });
    assertEquals(0, stock(5));
    assertEquals(10L, scalar("SELECT count(*) FROM order_lines WHERE product_id = 5"));
  }

  @Test
  void anOrderIsReservedWhollyOrNotAtAll() {
    long before3 = stock(3);
    long before10 = stock(10);
    ReplyException refused = assertThrows(ReplyException.class, () -> post("/orders",
        "{\"items\":[{\"productId\":3,\"quantity\":2},{\"productId\":10,\"quantity\":" + (before10 + 1) + "}]}",
        Map.of()).await());
    assertEquals(409, refused.failureCode());
    assertEquals("items[1].quantity: " + (before10 + 1) + " wanted, " + before10 + " of product 10 in stock",
        refused.getMessage());
    assertEquals(before3, stock(3), "the first line's units were not kept");
    assertEquals(before10, stock(10));
  }

  @Test
  void aFailureAfterReservingGivesTheStockBack() {
    // A real Postgres failure inside the order's transaction, after Redis reserved the units.
    pool.query("""
        CREATE FUNCTION refuse_42() RETURNS trigger AS $$ BEGIN
          IF NEW.quantity = 42 THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
        CREATE TRIGGER refuse_42 BEFORE INSERT ON order_lines FOR EACH ROW EXECUTE FUNCTION refuse_42();
        """).execute().await();
    try {
      long before = stock(4);
      ReplyException failed = assertThrows(ReplyException.class, () -> post("/orders",
          "{\"items\":[{\"productId\":4,\"quantity\":42}]}", Map.of()).await());
      assertEquals(500, failed.failureCode());
      assertEquals(before, stock(4));
    } finally {
      pool.query("DROP TRIGGER refuse_42 ON order_lines; DROP FUNCTION refuse_42()").execute().await();
    }
  }

  @Test
  void aRetryWithTheSameKeyAndBodyGetsTheFirstAnswerAndPlacesNothingMore() {
    String key = UUID.randomUUID().toString();
    String body = "{\"items\":[{\"productId\":1,\"quantity\":2}]}";
    long before = stock(1);
    HttpReply first = post("/orders", body, Map.of("Idempotency-Key", key)).await();
    // The same order, spelled differently: whitespace and field order do not make it another.
    HttpReply again = post("/orders", "{ \"items\": [ {\"quantity\":2, \"productId\":1} ] }",
        Map.of("idempotency-key", key)).await();
    assertEquals(201, first.status());
    assertEquals(201, again.status());
    assertEquals(first.body().toString(), again.body().toString());
    assertEquals(first.headers().get("Location"), again.headers().get("Location"));
    assertNull(first.headers().get("Idempotent-Replayed"));
    assertEquals("true", again.headers().get("Idempotent-Replayed"));
    assertEquals(before - 2, stock(1), "reserved once");
    String id = new JsonObject(first.body()).getString("id");
    assertEquals(1L, scalar("SELECT count(*) FROM orders WHERE id = '" + id + "'"));
    assertEquals(1L, scalar("SELECT count(*) FROM outbox WHERE record_key = '" + id + "'"));
  }

  @Test
  void anotherBodyUnderAUsedKeyIsRefusedWith422() {
    String key = "key-" + UUID.randomUUID();
    post("/orders", "{\"items\":[{\"productId\":2,\"quantity\":1}]}", Map.of("Idempotency-Key", key)).await();
    ReplyException refused = assertThrows(ReplyException.class, () -> post("/orders",
        "{\"items\":[{\"productId\":2,\"quantity\":3}]}", Map.of("Idempotency-Key", key)).await());
    assertEquals(422, refused.failureCode());
    assertTrue(refused.getMessage().startsWith("Idempotency-Key: already used for a different order"),
        refused.getMessage());
  }

  @Test
  void aKeyIsKeptForTheRetentionAndFreeAgainOnceExpired() {
    String key = "expiring-" + UUID.randomUUID();
    HttpReply first = post("/orders", "{\"items\":[{\"productId\":12,\"quantity\":1}]}", Map.of("Idempotency-Key", key)).await();
    double hours = pool.preparedQuery("SELECT extract(epoch FROM expires_at - created_at) / 3600 AS h FROM idempotency_keys "
        + "WHERE key = $1").execute(Tuple.of(key)).await().iterator().next().getDouble("h");
    assertEquals(24.0, hours, 0.01, "the default retention");

    pool.preparedQuery("UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1")
        .execute(Tuple.of(key)).await();
    HttpReply other = post("/orders", "{\"items\":[{\"productId\":12,\"quantity\":2}]}", Map.of("Idempotency-Key", key)).await();
    assertEquals(201, other.status(), "an expired key answers nothing and is taken anew");
    assertNotEquals(first.headers().get("Location"), other.headers().get("Location"));
    assertNull(other.headers().get("Idempotent-Replayed"));
    HttpReply retry = post("/orders", "{\"items\":[{\"productId\":12,\"quantity\":2}]}", Map.of("Idempotency-Key", key)).await();
    assertEquals(other.headers().get("Location"), retry.headers().get("Location"));
  }

  @Test
  void concurrentRetriesUnderOneKeyPlaceOneOrder() {
    String key = UUID.randomUUID().toString();
    long before = stock(11);
    List<Future<HttpReply>> retries = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      retries.add(post("/orders", "{\"items\":[{\"productId\":11,\"quantity\":1}]}", Map.of("Idempotency-Key", key)));
    }
    Future.all(retries).await();
    assertEquals(1, retries.stream().map(f -> f.result().body().toString()).distinct().count(),
        "every retry got the same answer");
    assertEquals(before - 1, stock(11));
    assertEquals(1L, scalar("SELECT count(*) FROM idempotency_keys WHERE key = '" + key + "'"));
  }

  @Test
  void theBusMessageTakesAnIdempotencyKeyToo() {
    String key = UUID.randomUUID().toString();
    PlaceOrder order = new PlaceOrder(List.of(new OrderItem(6, 1)), key);
    Order first = vertx.eventBus().<Order>request(Addresses.ORDERS_PLACE, order, envelope()).await().body();
    Order again = vertx.eventBus().<Order>request(Addresses.ORDERS_PLACE, order, envelope()).await().body();
    assertEquals(first, again);
    ReplyException refused = assertThrows(ReplyException.class, () -> vertx.eventBus().request(
        Addresses.ORDERS_PLACE, new PlaceOrder(List.of(new OrderItem(6, 2)), key), envelope()).await());
    assertEquals(422, refused.failureCode());
    assertTrue(refused.getMessage().startsWith("idempotencyKey: already used"), refused.getMessage());
  }

  @Test
  void badIdempotencyKeysAreRefusedWith400NamingTheHeader() {
    for (String bad : List.of("", "has space", "x".repeat(256), "ключ", "a\tb", "semi;colon")) {
      ReplyException refused = assertThrows(ReplyException.class, () -> post("/orders",
          "{\"items\":[{\"productId\":1,\"quantity\":1}]}", Map.of("Idempotency-Key", bad)).await(), bad);
      assertEquals(400, refused.failureCode(), bad);
      assertTrue(refused.getMessage().startsWith("Idempotency-Key: must be 1 to 255 letters"), refused.getMessage());
    }
    assertEquals(201, post("/orders", "{\"items\":[{\"productId\":1,\"quantity\":1}]}",
        Map.of("Idempotency-Key", "x".repeat(255))).await().status());
  }

  @Test
  void cancelReturnsTheStockOnceAndPayingOrCancellingTwiceIsHarmless() {
    long before = stock(7);
    HttpReply placed = post("/orders", "{\"items\":[{\"productId\":7,\"quantity\":3}]}", Map.of()).await();
    String location = placed.headers().get("Location");
    assertEquals(before - 3, stock(7));

    HttpReply cancelled = post(location + "/cancel", "", Map.of()).await();
    assertEquals(200, cancelled.status());
    assertEquals("CANCELLED", new JsonObject(cancelled.body()).getString("status"));
    assertEquals(before, stock(7));
    assertEquals(200, post(location + "/cancel", "", Map.of()).await().status());
    assertEquals(before, stock(7), "a second cancel returns nothing more");

    ReplyException payCancelled = assertThrows(ReplyException.class, () -> post(location + "/pay", "", Map.of()).await());
    assertEquals(409, payCancelled.failureCode());
    assertTrue(payCancelled.getMessage().endsWith(" is CANCELLED; only a PLACED order can be paid"), payCancelled.getMessage());

    String paid = post("/orders", "{\"items\":[{\"productId\":7,\"quantity\":1}]}", Map.of()).await()
        .headers().get("Location");
    assertEquals("PAID", new JsonObject(post(paid + "/pay", "", Map.of()).await().body()).getString("status"));
    assertEquals(200, post(paid + "/pay", "", Map.of()).await().status());
    ReplyException cancelPaid = assertThrows(ReplyException.class, () -> post(paid + "/cancel", "", Map.of()).await());
    assertEquals(409, cancelPaid.failureCode());
    assertEquals(before - 1, stock(7), "a paid order keeps its units");
    assertEquals("PAID", new JsonObject(get(paid).await().body()).getString("status"));

    String id = location.substring("/orders/".length());
    assertEquals(List.of("order.placed", "order.cancelled"), pool.preparedQuery(
            "SELECT payload->>'type' AS type FROM outbox WHERE record_key = $1 ORDER BY id")
        .execute(Tuple.of(id)).await().stream().map(r -> r.getString("type")).toList());
  }

  @Test
  void unknownOrdersAndActionsAreNotFound() {
    ReplyException unknown = assertThrows(ReplyException.class,
        () -> post("/orders/" + UUID.randomUUID() + "/cancel", "", Map.of()).await());
    assertEquals(404, unknown.failureCode());
    ReplyException notAnId = assertThrows(ReplyException.class, () -> post("/orders/42/pay", "", Map.of()).await());
    assertEquals(404, notAnId.failureCode());
    HttpReply action = post("/orders/" + UUID.randomUUID() + "/refund", "", Map.of()).await();
    assertEquals(404, action.status());
    HttpReply method = get("/orders/" + UUID.randomUUID() + "/cancel").await();
    assertEquals(405, method.status());
  }

  private static Future<HttpReply> post(String path, String body, Map<String, String> extra) {
    Map<String, String> headers = new HashMap<>(extra);
    headers.put("Content-Type", "application/json");
    return vertx.eventBus().<HttpReply>request(ORDERS, new HttpCall("POST", path, null, headers, Buffer.buffer(body)),
        envelope()).map(m -> m.body());
  }

  private static Future<HttpReply> get(String path) {
    return vertx.eventBus().<HttpReply>request(path.startsWith("/stock") ? INVENTORY : ORDERS,
        new HttpCall("GET", path, null, Map.of(), Buffer.buffer()), envelope()).map(m -> m.body());
  }

  private static io.vertx.core.eventbus.DeliveryOptions envelope() {
    return Envelope.start("req-" + UUID.randomUUID(), TRACEPARENT, 30_000, null).deliveryOptions();
  }

  private static long stock(long productId) {
    return new JsonObject(get("/stock/" + productId).await().body()).getLong("available");
  }

  private static long scalar(String sql) {
    return pool.query(sql).execute().await().iterator().next().getLong(0);
  }
}
