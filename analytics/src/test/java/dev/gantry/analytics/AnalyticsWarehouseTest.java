package dev.gantry.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.analytics.ingest.Backfill;
import dev.gantry.analytics.model.ModelRunner;
import dev.gantry.analytics.model.ModelSet;
import dev.gantry.analytics.warehouse.Warehouse;
import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.Codecs;
import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import dev.gantry.codecs.orders.Order;
import dev.gantry.codecs.orders.OrderLine;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.services.sdk.ServiceContext;
import dev.gantry.services.sdk.kafka.TopicConsumer;
import dev.gantry.testkit.Poll;
import dev.gantry.testkit.TestBackends;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warehouse verticle on the test kit's real Kafka, each test with a topic and a DuckDB file of its own. */
class AnalyticsWarehouseTest {
  private static final String SERVICE = Addresses.httpService("analytics", null);
  private static final Instant DAY1 = Instant.parse("2026-11-20T08:00:00Z");
  private static final Instant DAY2 = Instant.parse("2026-11-21T08:00:00Z");
  @TempDir Path dir;
  private Vertx vertx;
  private KafkaProducer<String, String> producer;
  private String topic;
  private String bootstrap;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    Codecs.register(vertx.eventBus());
    bootstrap = TestBackends.shared().kafkaBootstrap();
    topic = "orders-" + UUID.randomUUID();
    producer = KafkaProducer.create(vertx, Map.of("bootstrap.servers", bootstrap,
        "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "value.serializer", "org.apache.kafka.common.serialization.StringSerializer", "acks", "all"));
  }

  @AfterEach
  void stop() {
    producer.close().await();
    vertx.close().await();
  }

  @Test
  void eachOrderCountsOnceDespiteOutboxRepeatsAndAForcedRedelivery() throws Exception {
    long expected = 0;
    for (int i = 1; i <= 30; i++) {
      send(i, "order.placed", order("o" + i, "PLACED", i * 100L), DAY1);
      expected += i * 100L;
    }
    for (int i = 1; i <= 5; i++) {
      send(30 + i, "order.cancelled", order("o" + i, "CANCELLED", i * 100L), DAY2);
      expected -= i * 100L;
    }
    for (int i = 1; i <= 10; i++) {
      send(i, "order.placed", order("o" + i, "PLACED", i * 100L), DAY1); // the outbox publishing twice
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String first = deploy(registry);
    JsonObject ingest = waitForEvents(35);
    String group = ingest.getString("consumerGroup");
    assertEquals(new JsonArray().add(expected), dailyRevenue(), "one day, one currency: all but the 5 cancelled");
    vertx.undeploy(first).await();

    // Forced redelivery: the group's offsets go back to the start, as after a lost commit.
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(props)) {
      admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(0))).all().get();
    }
    SimpleMeterRegistry again = new SimpleMeterRegistry();
    deploy(again);
    Poll.until(vertx, Duration.ofSeconds(60), "all 45 records read again and dropped as duplicates",
        () -> again.find("gantry.analytics.duplicate.events").counter() != null
            && again.find("gantry.analytics.duplicate.events").counter().count() == 45);
    assertEquals(0.0, again.find("gantry.analytics.ingested.events").counter().count());
    assertEquals(35L, list().getJsonObject("ingest").getLong("events"));
    assertEquals(new JsonArray().add(expected), dailyRevenue(), "one day, one currency: all but the 5 cancelled");
    Poll.until(vertx, Duration.ofSeconds(30), "the lag gauge of partition 0 reads 0",
        () -> again.find("gantry.analytics.consumer.lag").tag("partition", "0").gauge() != null
            && again.find("gantry.analytics.consumer.lag").tag("partition", "0").gauge().value() == 0.0);
  }

  @Test
  void aPlacedEventArrivingAfterItsOrdersCancelOrPayLeavesTheOrderCancelledOrPaid() {
    // What a node killed while holding its outbox rows leaves: another node's relay sends the
    // cancel (or pay) first, and the placed event arrives after it.
    send(1, "order.cancelled", order("late-1", "CANCELLED", 100L), DAY2);
    send(2, "order.paid", order("late-2", "PAID", 200L), DAY2);
    send(3, "order.placed", order("late-1", "PLACED", 100L), DAY1);
    send(4, "order.placed", order("late-2", "PLACED", 200L), DAY1);
    send(5, "order.placed", order("open-3", "PLACED", 300L), DAY1);
    deploy(new SimpleMeterRegistry());
    waitForEvents(5);
    Map<String, String> statuses = new java.util.TreeMap<>();
    get("/analytics/orders", "limit=100").getJsonArray("rows")
        .forEach(r -> statuses.put(((JsonObject) r).getString("order_id"), ((JsonObject) r).getString("status")));
    assertEquals(Map.of("late-1", "CANCELLED", "late-2", "PAID", "open-3", "PLACED"), statuses);
    assertEquals(new JsonArray().add(500L), dailyRevenue(), "the cancelled order's 100 not counted");
  }

  @Test
  void aBackfillFromTheBeginningEqualsTheLiveState() {
    for (int i = 1; i <= 40; i++) {
      send(i, "order.placed", order("o" + i, "PLACED", 100L + i), i % 2 == 0 ? DAY1 : DAY2);
    }
    send(41, "order.paid", order("o3", "PAID", 103), DAY2);
    send(42, "order.cancelled", order("o4", "CANCELLED", 104), DAY2);
    String id = deploy(new SimpleMeterRegistry());
    waitForEvents(42);
    Map<String, JsonArray> live = snapshot();
    vertx.undeploy(id).await();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Warehouse w = Warehouse.open(dir)) {
      Backfill.Result result = Backfill.fromBeginning(w, new ModelRunner(w, ModelSet.builtIn()), bootstrap, topic,
          new PrintStream(out, true, StandardCharsets.UTF_8));
      assertEquals(42, result.records());
      assertEquals(42, result.added());
      result.models().forEach(s -> assertEquals("full", s.mode(), s.name()));
    }
    String progress = out.toString(StandardCharsets.UTF_8);
    assertTrue(progress.contains("backfill " + topic + ": 42/42 records (100%)"), progress);
    assertTrue(progress.contains("records/s, lag 0, ETA 0s"), progress);
    deploy(new SimpleMeterRegistry());
    assertEquals(live, snapshot(), "every model equals what live ingest built");
  }

  @Test
  void malformedRecordsGoToTheDeadLetterTopicAndIngestMovesOn() {
    send(1, "order.placed", order("o1", "PLACED", 100), DAY1);
    producer.send(KafkaProducerRecord.create(topic, "x", "{not json")
        .addHeader("gantry-event-id", "2")).await();
    producer.send(KafkaProducerRecord.create(topic, "x", event("order.placed", order("o9", "PLACED", 1), DAY1).encode())).await();
    producer.send(KafkaProducerRecord.create(topic, "x", event("order.shipped", order("o9", "PLACED", 1), DAY1).encode())
        .addHeader("gantry-event-id", "4")).await();
    producer.send(KafkaProducerRecord.create(topic, "x", new JsonObject().put("type", "order.placed")
        .put("order", new JsonObject().put("id", "o9").put("totalCents", "lots")).encode())
        .addHeader("gantry-event-id", "5")).await();
    producer.send(KafkaProducerRecord.create(topic, "x", event("order.placed", order("o9", "PLACED", 1), DAY1).encode())
        .addHeader("gantry-event-id", "'; DROP TABLE raw_order_events; --")).await();
    send(7, "order.placed", order("o2", "PLACED", 200), DAY1);
    deploy(new SimpleMeterRegistry());
    waitForEvents(2);

    Queue<KafkaConsumerRecord<String, String>> letters = new ConcurrentLinkedQueue<>();
    KafkaConsumer<String, String> reader = KafkaConsumer.create(vertx, Map.of("bootstrap.servers", bootstrap,
        "group.id", "dlq-reader-" + UUID.randomUUID(), "auto.offset.reset", "earliest",
        "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
        "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"));
    reader.handler(letters::add);
    reader.subscribe(topic + ".dlq").await();
    Poll.until(vertx, Duration.ofSeconds(60), "five dead letters", () -> letters.size() >= 5);
    reader.close().await();
    List<String> reasons = letters.stream().map(r -> r.headers().stream()
        .filter(h -> h.key().equals(TopicConsumer.DLQ_REASON)).findFirst().orElseThrow().value().toString()).toList();
    assertEquals(List.of("undecodable: value: not a JSON object",
        "undecodable: header gantry-event-id: expected 1 to 100 letters, digits or -_.:, got none",
        "undecodable: type: expected one of " + reasonTypes() + ", got \"order.shipped\"",
        "undecodable: order.lines: expected an array",
        "undecodable: header gantry-event-id: expected 1 to 100 letters, digits or -_.:, got \"'; DROP TABLE raw_order_events; --\""), reasons);
    assertEquals(2L, list().getJsonObject("ingest").getLong("events"));
    assertEquals(5L, list().getJsonObject("ingest").getLong("deadLetters"));
  }

  @Test
  void queriesTakeFiltersAndLimitsNeverSql() {
    send(1, "order.placed", order("o1", "PLACED", 100, "EUR"), DAY1);
    send(2, "order.placed", order("o2", "PLACED", 250, "USD"), DAY1);
    send(3, "order.placed", order("o3", "PLACED", 400, "EUR"), DAY2);
    deploy(new SimpleMeterRegistry());
    waitForEvents(3);
    post("/analytics/_rebuild");

    JsonObject models = list();
    JsonObject revenueModel = models.getJsonArray("models").stream().map(JsonObject.class::cast)
        .filter(m -> m.getString("name").equals("daily_revenue")).findFirst().orElseThrow();
    assertEquals("incremental", revenueModel.getString("materialized"));
    assertEquals(new JsonArray().add("day").add("currency"), revenueModel.getJsonArray("uniqueKey"));
    assertEquals(new JsonObject().put("name", "day").put("type", "DATE"), revenueModel.getJsonArray("columns").getJsonObject(0));
    assertEquals(3L, revenueModel.getLong("lastSeq"));

    JsonArray eur = get("/analytics/daily_revenue", "currency=EUR&order=-day").getJsonArray("rows");
    assertEquals(2, eur.size());
    assertEquals("2026-11-21", eur.getJsonObject(0).getString("day"));
    assertEquals(400L, eur.getJsonObject(0).getLong("revenue_cents"));
    assertEquals(1, get("/analytics/daily_revenue", "day.gte=2026-11-21").getJsonArray("rows").size());
    assertEquals(1, get("/analytics/daily_revenue", "revenue_cents.lt=200&day=2026-11-20").getJsonArray("rows").size());
    assertEquals(1, get("/analytics/daily_revenue", "limit=1").getJsonArray("rows").size());
    assertEquals(0, get("/analytics/daily_revenue", "currency=" + enc("EUR' OR '1'='1")).getJsonArray("rows").size(),
        "a quote is part of the value, nothing else");
    assertEquals(0, get("/analytics/order_funnel", "day=2026-01-01").getJsonArray("rows").size());

    bad("/analytics/daily_revenue", "colour=red", 400,
        "filter colour: model daily_revenue has no column \"colour\" (columns: day, currency, orders, kept_orders, "
            + "revenue_cents, paid_cents, cancelled_cents; parameters: limit, order)");
    bad("/analytics/daily_revenue", enc("day; DROP TABLE orders") + "=1", 400,
        "filter day; DROP TABLE orders: model daily_revenue has no column \"day; DROP TABLE orders\"");
    bad("/analytics/daily_revenue", "day.like=2026%25", 400, "filter day.like: unknown operator like");
    bad("/analytics/daily_revenue", "day=" + enc("2026-11-20' OR 1=1 --"), 400, "day: expected a date (2026-11-26), got");
    bad("/analytics/daily_revenue", "revenue_cents=1e400", 400, "revenue_cents: expected an integer");
    bad("/analytics/daily_revenue", "limit=10001", 400, "limit: must be an integer from 1 to 10000, got \"10001\"");
    bad("/analytics/daily_revenue", "limit=0", 400, "limit: must be an integer from 1 to 10000");
    bad("/analytics/daily_revenue", "limit=99999999999999999999", 400, "limit: must be an integer from 1 to 10000");
    bad("/analytics/daily_revenue", "order=" + enc("day DESC; --"), 400, "order: model daily_revenue has no column");
    bad("/analytics/daily_revenue", "currency=EUR&currency=USD", 400, "\"currency\": given twice");
    bad("/analytics/daily_revenue", "currency=%E0%A4%A", 400, "query: malformed percent-encoding");
    bad("/analytics/daily_revenue", "currency=" + "x".repeat(1001), 400, "currency: at most 1000 characters");
    bad("/analytics/raw_order_events", "", 404, "model: no model named \"raw_order_events\"");
    bad("/analytics/" + enc("orders\"; DROP TABLE x; --"), "", 404, "model: no model named");
    assertEquals(405, call("DELETE", "/analytics/daily_revenue", null).await().status());
    assertEquals(3L, list().getJsonObject("ingest").getLong("events"), "nothing was dropped or changed");
  }

  @Test
  void modelsExportAsParquetPartitionedByDay() throws Exception {
    send(1, "order.placed", order("o1", "PLACED", 100), DAY1);
    send(2, "order.placed", order("o2", "PLACED", 300), DAY2);
    deploy(new SimpleMeterRegistry());
    waitForEvents(2);
    post("/analytics/_rebuild");
    JsonObject export = post("/analytics/_export");
    Path out = dir.resolve("export");
    assertEquals(out.toAbsolutePath().toString(), export.getString("directory"));
    assertTrue(Files.exists(out.resolve("daily_revenue").resolve("day=2026-11-20")));
    assertTrue(Files.exists(out.resolve("daily_revenue").resolve("day=2026-11-21")));
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
         java.sql.Statement s = c.createStatement();
         java.sql.ResultSet r = s.executeQuery("SELECT sum(revenue_cents), count(DISTINCT day) FROM read_parquet('"
             + out.resolve("daily_revenue") + "/*/*.parquet', hive_partitioning = true)")) {
      r.next();
      assertEquals(400L, r.getLong(1));
      assertEquals(2L, r.getLong(2));
    }
  }

  private String deploy(SimpleMeterRegistry registry) {
    AnalyticsOptions options = new AnalyticsOptions(bootstrap, dir).withTopic(topic).withRebuildMillis(3_600_000);
    return vertx.deployVerticle(new AnalyticsVerticle(options, new ServiceContext("node-a", "default",
        ServiceCatalog.create(vertx)), ModelSet.builtIn(), registry)).await();
  }

  private JsonObject waitForEvents(long n) {
    Poll.until(vertx, Duration.ofSeconds(60), n + " events ingested",
        () -> list().getJsonObject("ingest").getLong("events") == n);
    post("/analytics/_rebuild");
    return list().getJsonObject("ingest");
  }

  private Map<String, JsonArray> snapshot() {
    post("/analytics/_rebuild");
    Map<String, JsonArray> tables = new java.util.TreeMap<>();
    for (String model : ModelSet.BUILT_IN) {
      JsonArray rows = get("/analytics/" + model, "limit=10000").getJsonArray("rows");
      rows.forEach(r -> ((JsonObject) r).remove("updated_at"));
      tables.put(model, rows);
    }
    return tables;
  }

  private JsonArray dailyRevenue() {
    post("/analytics/_rebuild");
    JsonArray rows = get("/analytics/daily_revenue", "").getJsonArray("rows");
    return new JsonArray(rows.stream().map(r -> ((JsonObject) r).getLong("revenue_cents")).toList());
  }

  private static String reasonTypes() {
    return "[order.placed, order.paid, order.cancelled]";
  }

  private void send(long eventId, String type, Order order, Instant at) {
    producer.send(KafkaProducerRecord.create(topic, order.id(), event(type, order, at).encode())
        .addHeader("gantry-event-id", Long.toString(eventId))).await();
  }

  private static JsonObject event(String type, Order order, Instant at) {
    return new JsonObject().put("type", type).put("occurredAt", at.toString()).put("order", order.toJson());
  }

  private static Order order(String id, String status, long total) {
    return order(id, status, total, "EUR");
  }

  private static Order order(String id, String status, long total, String currency) {
    return new Order(id, status, List.of(new OrderLine(1, 1, total)), total, currency, DAY1);
  }

  private JsonObject list() {
    return get("/analytics", "");
  }

  private JsonObject get(String path, String query) {
    HttpReply reply = call("GET", path, query).await();
    assertEquals(200, reply.status(), reply.body().toString());
    return new JsonObject(reply.body());
  }

  private JsonObject post(String path) {
    HttpReply reply = call("POST", path, null).await();
    assertEquals(200, reply.status(), reply.body().toString());
    return new JsonObject(reply.body());
  }

  private void bad(String path, String query, int status, String detailStart) {
    ReplyException e = org.junit.jupiter.api.Assertions.assertThrows(ReplyException.class,
        () -> call("GET", path, query).await(), query);
    assertEquals(status, e.failureCode(), e.getMessage());
    assertTrue(e.getMessage().startsWith(detailStart), e.getMessage());
  }

  private Future<HttpReply> call(String method, String path, String query) {
    return vertx.eventBus().<HttpReply>request(SERVICE, new HttpCall(method, path, query, Map.of(), Buffer.buffer()),
        Envelope.start("req-" + UUID.randomUUID(), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", 30_000, null)
            .deliveryOptions()).map(m -> m.body());
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
