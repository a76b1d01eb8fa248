package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.testkit.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One node with every role (analytics is on by default) driven as a client would: orders placed
 * under idempotency keys, paid and cancelled through the gateway, then found in the warehouse
 * through {@code /api/analytics}, and its series in {@code /metrics}.
 */
class AnalyticsEndToEndTest {
  private static Gantry node;
  private static Vertx clientVertx;
  private static WebClient client;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> flags = TestNodes.onKitBackends(TestNodes.uniqueCluster("analytics"));
    flags.put("admin.token", "analytics-token");
    flags.put("admin.port", "0");
    node = TestNodes.start(flags);
    clientVertx = Vertx.vertx();
    client = WebClient.create(clientVertx, new WebClientOptions().setDefaultPort(node.httpPort()));
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    clientVertx.close().await();
    TestNodes.stop(node);
  }

  @Test
  void ordersPlacedPaidAndCancelledThroughTheGatewayReachTheWarehouseOnce() {
    long stockBefore = stock(9);
    String key = UUID.randomUUID().toString();
    HttpResponse<Buffer> first = place("{\"items\":[{\"productId\":9,\"quantity\":2}]}", key);
    HttpResponse<Buffer> retry = place("{\"items\":[{\"productId\":9,\"quantity\":2}]}", key);
    assertEquals(201, first.statusCode(), first.bodyAsString());
    assertEquals(201, retry.statusCode());
    assertEquals(first.getHeader("Location"), retry.getHeader("Location"));
    assertTrue(first.getHeader("Location").startsWith("/api/orders/"), first.getHeader("Location"));
    assertEquals(first.bodyAsString(), retry.bodyAsString());
    assertNull(first.getHeader("Idempotent-Replayed"));
    assertEquals("true", retry.getHeader("Idempotent-Replayed"));
    HttpResponse<Buffer> other = place("{\"items\":[{\"productId\":9,\"quantity\":1}]}", key);
    assertEquals(422, other.statusCode());
    assertEquals("application/problem+json", other.getHeader("Content-Type"));
    HttpResponse<Buffer> badKey = place("{\"items\":[{\"productId\":9,\"quantity\":1}]}", "not ok");
    assertEquals(400, badKey.statusCode());
    assertTrue(badKey.bodyAsJsonObject().getString("detail").startsWith("Idempotency-Key: "), badKey.bodyAsString());
    assertEquals(stockBefore - 2, stock(9));

    String paid = first.bodyAsJsonObject().getString("id");
    String cancelled = place("{\"items\":[{\"productId\":9,\"quantity\":1}]}", null).bodyAsJsonObject().getString("id");
    assertEquals("PAID", client.post("/api/orders/" + paid + "/pay").send().await().bodyAsJsonObject().getString("status"));
    HttpResponse<Buffer> cancel = client.post("/api/orders/" + cancelled + "/cancel").send().await();
    assertEquals(200, cancel.statusCode(), cancel.bodyAsString());
    assertEquals(stockBefore - 2, stock(9), "the cancelled order's unit is back");
    HttpResponse<Buffer> late = client.post("/api/orders/" + paid + "/cancel").send().await();
    assertEquals(409, late.statusCode());
    assertEquals("application/problem+json", late.getHeader("Content-Type"));

    Poll.until(clientVertx, Duration.ofSeconds(60), "both orders in the warehouse with their last status", () -> {
      assertEquals(200, client.post("/api/analytics/_rebuild").send().await().statusCode());
      return status(paid).equals("PAID") && status(cancelled).equals("CANCELLED");
    });
    JsonArray rows = client.get("/api/analytics/orders").addQueryParam("order_id", paid).send().await()
        .bodyAsJsonObject().getJsonArray("rows");
    assertEquals(1, rows.size(), "placed once, whatever the retries");
    assertEquals(2 * 9900L, rows.getJsonObject(0).getLong("total_cents"));

    JsonObject catalog = client.get("/api/analytics").send().await().bodyAsJsonObject();
    assertEquals(List.of("orders", "daily_revenue", "top_products_daily", "order_funnel"),
        catalog.getJsonArray("models").stream().map(m -> ((JsonObject) m).getString("name")).toList());
    assertEquals("orders.v1", catalog.getJsonObject("ingest").getString("topic"));

    // the same models through GraphQL, with the same checks
    String query = "{ analyticsModels { name columns { name } } analyticsRows(model: \"orders\", where: [{column: "
        + "\"order_id\", value: \"" + paid + "\"}]) { columns rows } }";
    JsonObject graph = client.post("/graphql").putHeader("Content-Type", "application/json")
        .sendJsonObject(new JsonObject().put("query", query)).await().bodyAsJsonObject();
    assertNull(graph.getJsonArray("errors"), graph.encode());
    assertEquals(4, graph.getJsonObject("data").getJsonArray("analyticsModels").size());
    JsonObject found = graph.getJsonObject("data").getJsonObject("analyticsRows");
    assertEquals(1, found.getJsonArray("rows").size(), found.encode());
    int status = found.getJsonArray("columns").getList().indexOf("status");
    assertEquals("PAID", found.getJsonArray("rows").getJsonArray(0).getString(status));
    JsonObject refused = client.post("/graphql").putHeader("Content-Type", "application/json")
        .sendJsonObject(new JsonObject().put("query", "{ analyticsRows(model: \"daily_revenue\", where: [{column: "
            + "\"colour\", value: \"red\"}]) { rows } }")).await().bodyAsJsonObject();
    JsonObject error = refused.getJsonArray("errors").getJsonObject(0);
    assertEquals("BAD_USER_INPUT", error.getJsonObject("extensions").getString("code"), refused.encode());
    assertTrue(error.getString("message").contains("no column \"colour\""), refused.encode());

    HttpResponse<Buffer> unknown = client.get("/api/analytics/daily_revenue?colour=red").send().await();
    assertEquals(400, unknown.statusCode());
    assertEquals("application/problem+json", unknown.getHeader("Content-Type"));
    assertTrue(unknown.bodyAsJsonObject().getString("detail").startsWith(
        "filter colour: model daily_revenue has no column \"colour\""), unknown.bodyAsString());
    assertEquals(404, client.get("/api/analytics/nope").send().await().statusCode());

    // the lag gauges are registered by the ingest's once-a-second lag check: wait for its first round
    String metrics;
    long until = System.currentTimeMillis() + 15_000;
    do {
      metrics = WebClient.create(clientVertx).get(node.adminPort(), "127.0.0.1", "/metrics")
          .bearerTokenAuthentication("analytics-token").send().await().bodyAsString();
    } while (!metrics.contains("gantry_analytics_consumer_lag{") && System.currentTimeMillis() < until
        && clientVertx.timer(100).map(true).await());
    assertTrue(metrics.contains("gantry_analytics_ingested_events_total{topic=\"orders.v1\"}"), metrics);
    assertTrue(metrics.contains("gantry_analytics_consumer_lag{partition=\"0\",topic=\"orders.v1\"}"), metrics);
    assertTrue(metrics.contains("gantry_analytics_model_build_seconds_count{model=\"daily_revenue\"}"), metrics);
  }

  private static String status(String orderId) {
    JsonArray rows = client.get("/api/analytics/orders").addQueryParam("order_id", orderId).send().await()
        .bodyAsJsonObject().getJsonArray("rows");
    return rows.isEmpty() ? "" : rows.getJsonObject(0).getString("status");
  }

  private static HttpResponse<Buffer> place(String body, String key) {
    var request = client.post("/api/orders").putHeader("Content-Type", "application/json");
    if (key != null) {
      request.putHeader("Idempotency-Key", key);
    }
    return request.sendBuffer(Buffer.buffer(body)).await();
  }

  private static long stock(long productId) {
    return client.get("/api/inventory/" + productId).send().await().bodyAsJsonObject().getLong("available");
  }
}
