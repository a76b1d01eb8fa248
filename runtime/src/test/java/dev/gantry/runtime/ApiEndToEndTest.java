package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.testkit.TestBackends;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One node with both roles on real backends, driven over HTTP as a client would. */
class ApiEndToEndTest {
  private static Gantry node;
  private static Vertx clientVertx;
  private static WebClient client;

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.start(TestNodes.onKitBackends(TestNodes.uniqueCluster("api")));
    clientVertx = Vertx.vertx();
    client = WebClient.create(clientVertx, new WebClientOptions().setDefaultPort(node.httpPort()));
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    clientVertx.close().await();
    TestNodes.stop(node);
  }

  private static HttpResponse<Buffer> get(String path) {
    return client.get(path).send().await();
  }

  private static HttpResponse<Buffer> postOrder(String body) {
    return client.post("/api/orders").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body)).await();
  }

  private static void assertProblem(HttpResponse<Buffer> r, int status, String detailStart) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals("application/problem+json", r.getHeader("Content-Type"));
    JsonObject problem = r.bodyAsJsonObject();
    assertEquals(status, problem.getInteger("status"));
    assertTrue(problem.getString("type").startsWith("https://gantry.dev/problems/"));
    assertTrue(problem.getString("detail").startsWith(detailStart), problem.getString("detail"));
  }

  @Test
  void listsTheSeededCatalogInPagesFollowingTheCursor() {
    List<Long> ids = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      HttpResponse<Buffer> r = get("/api/products?limit=5" + (cursor == null ? "" : "&cursor=" + cursor));
      assertEquals(200, r.statusCode());
      JsonObject page = r.bodyAsJsonObject();
      page.getJsonArray("items").forEach(p -> ids.add(((JsonObject) p).getLong("id")));
      cursor = page.getString("nextCursor");
      pages++;
    } while (cursor != null);
    assertEquals(3, pages);
    assertEquals(12, ids.size());
    assertEquals(ids.stream().sorted().distinct().toList(), ids);
  }

  @Test
  void getsOneProductAndAnswers404ForAnUnknownOne() {
    JsonObject product = get("/api/products/1").bodyAsJsonObject();
    assertEquals("GT-001", product.getString("sku"));
    assertEquals(11900, product.getLong("priceCents"));
    assertProblem(get("/api/products/999"), 404, "id: product 999 does not exist");
    assertProblem(get("/api/products/abc"), 400, "id: must be a positive integer");
  }

  @Test
  void badPagingParametersAre400NamingTheParameter() {
    assertProblem(get("/api/products?limit=abc"), 400, "limit: must be an integer");
    assertProblem(get("/api/products?limit=0"), 400, "limit: must be between 1 and 100");
    assertProblem(get("/api/products?cursor=bogus"), 400, "cursor: not a cursor");
  }

  @Test
  void inventoryReportsSeededStockFromRedis() {
    JsonObject stock = get("/api/inventory/4").bodyAsJsonObject();
    assertEquals(new JsonObject().put("productId", 4).put("available", 120), stock);
    assertProblem(get("/api/inventory/999"), 404, "productId: product 999 has no stock record");
  }

  @Test
  void placesAnOrderAndReadsItBack() {
    HttpResponse<Buffer> created = postOrder(
        "{\"items\":[{\"productId\":2,\"quantity\":1},{\"productId\":5,\"quantity\":3}]}");
    assertEquals(201, created.statusCode(), created.bodyAsString());
    JsonObject order = created.bodyAsJsonObject();
    assertEquals(15900 + 3 * 4500, order.getLong("totalCents"));
    assertEquals("/api/orders/" + order.getString("id"), created.getHeader("Location"));
    HttpResponse<Buffer> read = get(created.getHeader("Location"));
    assertEquals(200, read.statusCode());
    assertEquals(order, read.bodyAsJsonObject());
    assertProblem(get("/api/orders/" + UUID.randomUUID()), 404, "id: no order has the id");
  }

  @Test
  void theOrderEventArrivesOnOrdersV1WithTheRequestsTrace() throws Exception {
    String trace = "00-" + UUID.randomUUID().toString().replace("-", "") + "-b7ad6b7169203331-01";
    HttpResponse<Buffer> created = client.post("/api/orders").putHeader("traceparent", trace)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"items\":[{\"productId\":7,\"quantity\":2}]}")).await();
    assertEquals(201, created.statusCode());
    String orderId = created.bodyAsJsonObject().getString("id");

    KafkaConsumer<String, String> consumer = KafkaConsumer.create(clientVertx, Map.of(
        "bootstrap.servers", TestBackends.shared().kafkaBootstrap(),
        "group.id", "test-" + UUID.randomUUID(),
        "auto.offset.reset", "earliest",
        "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
        "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"));
    CompletableFuture<KafkaConsumerRecord<String, String>> found = new CompletableFuture<>();
    consumer.handler(record -> {
      if (orderId.equals(record.key())) {
        found.complete(record);
      }
    });
    try {
      consumer.subscribe("orders.v1").await();
      KafkaConsumerRecord<String, String> record = found.get(60, TimeUnit.SECONDS);
      JsonObject event = new JsonObject(record.value());
      assertEquals("order.placed", event.getString("type"));
      assertEquals(orderId, event.getJsonObject("order").getString("id"));
      String carried = record.headers().stream().filter(h -> h.key().equals("traceparent"))
          .map(h -> h.value().toString()).findFirst().orElse(null);
      assertNotNull(carried);
      assertEquals(trace.substring(0, 36), carried.substring(0, 36), "same trace id");
    } finally {
      consumer.close().await();
    }
  }

  @Test
  void badOrdersAreRefusedNamingWhatIsWrong() {
    assertProblem(postOrder("{\"items\":"), 400, "body: malformed JSON");
    assertProblem(postOrder("[1]"), 400, "body: must be a JSON object");
    assertProblem(postOrder("{}"), 400, "items: is required");
    assertProblem(postOrder("{\"items\":\"x\"}"), 400, "items: must be an array");
    assertProblem(postOrder("{\"items\":[]}"), 422, "items: must hold between 1 and");
    assertProblem(postOrder("{\"items\":[{\"productId\":\"1\",\"quantity\":1}]}"), 400,
        "items[0].productId: must be an integer, got a string");
    assertProblem(postOrder("{\"items\":[{\"productId\":1}]}"), 400, "items[0].quantity: is required");
    assertProblem(postOrder("{\"items\":[{\"productId\":1,\"quantity\":0}]}"), 422,
        "items[0].quantity: must be between 1 and 1000, got 0");
    assertProblem(postOrder("{\"items\":[{\"productId\":1,\"quantity\":1},{\"productId\":424242,\"quantity\":1}]}"),
        404, "items[1].productId: product 424242 does not exist");
    HttpResponse<Buffer> form = client.post("/api/orders").putHeader("Content-Type", "text/plain")
        .sendBuffer(Buffer.buffer("{}")).await();
    assertProblem(form, 415, "body: expected application/json");
  }

  @Test
  void unknownRoutesAndMethodsAreProblems() {
    assertProblem(get("/nowhere"), 404, "no route for GET /nowhere");
    assertProblem(client.delete("/api/products/1").send().await(), 405, "DELETE is not allowed");
  }

  @Test
  void readinessReportsEveryBackendAndTheCluster() {
    HttpResponse<Buffer> r = get("/health/ready");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonArray checks = r.bodyAsJsonObject().getJsonArray("checks");
    List<String> up = checks.stream().map(c -> (JsonObject) c)
        .filter(c -> "UP".equals(c.getString("status"))).map(c -> c.getString("id")).sorted().toList();
    assertEquals(List.of("cluster", "kafka", "postgres", "redis"), up);
    assertEquals(200, get("/health/live").statusCode());
    assertNull(r.getHeader("X-Gantry-Served-By"));
  }

  @Test
  void requestIdIsEchoedAndKeptWhenGiven() {
    HttpResponse<Buffer> r = client.get("/api/products/1").putHeader("X-Request-Id", "req-42")
        .timeout(Duration.ofSeconds(10).toMillis()).send().await();
    assertEquals("req-42", r.getHeader("X-Request-Id"));
    assertEquals(node.nodeId(), r.getHeader("X-Gantry-Served-By"));
  }
}
