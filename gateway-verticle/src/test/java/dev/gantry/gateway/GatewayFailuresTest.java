package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.Codecs;
import dev.gantry.codecs.EnvelopeHeaders;
import dev.gantry.codecs.Failure;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.discovery.ServiceRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway alone on a local bus with its seeded reference routes, the services played by plain
 * consumers: what a client sees when a service is slow, absent, or answers.
 */
@ExtendWith(VertxExtension.class)
class GatewayFailuresTest {
  private WebClient client;
  private GatewayVerticle gateway;
  private final AtomicReference<Boolean> ready = new AtomicReference<>(true);
  private ServiceCatalog services;

  @BeforeEach
  void start(Vertx vertx) {
    Codecs.register(vertx.eventBus());
    HealthChecks checks = HealthChecks.create(vertx).register("probe",
        p -> p.complete(ready.get() ? Status.OK() : Status.KO(new JsonObject().put("reason", "down"))));
    gateway = new GatewayVerticle(GatewayOptions.defaults().withPort(0).withRequestTimeout(300), checks,
        new SimpleMeterRegistry(), null);
    vertx.deployVerticle(gateway).await();
    client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(gateway.actualPort()));
  }

  @AfterEach
  void stop() {
    client.close();
    if (services != null) {
      services.close();
    }
  }

  private HttpResponse<Buffer> get(String path) {
    return client.get(path).send().await();
  }

  /** Plays the catalog service on this bus: {@code answer} handles each call. */
  private void catalog(Vertx vertx, io.vertx.core.Handler<io.vertx.core.eventbus.Message<HttpCall>> answer) {
    for (String address : java.util.List.of(Addresses.httpService("catalog", null), Addresses.httpService("catalog", "v1"))) {
      vertx.eventBus().<HttpCall>consumer(address, answer).completion().await();
    }
    services = ServiceCatalog.create(vertx);
    services.publish(new ServiceRecord("catalog", "v1", "default", "test", Addresses.httpService("catalog", "v1"))).await();
  }

  @Test
  void aServiceThatDoesNotAnswerInTimeGives504Problem(Vertx vertx) {
    catalog(vertx, m -> { });
    HttpResponse<Buffer> r = get("/api/products/1");
    assertEquals(504, r.statusCode());
    assertEquals("application/problem+json", r.getHeader("Content-Type"));
    assertEquals(Failure.TIMEOUT.type(), r.bodyAsJsonObject().getString("type"));
    assertEquals(r.getHeader("X-Request-Id"), r.bodyAsJsonObject().getString("requestId"));
  }

  @Test
  void noServiceInstanceGives503Problem() {
    HttpResponse<Buffer> r = get("/api/inventory/1");
    assertEquals(503, r.statusCode());
    assertTrue(r.bodyAsJsonObject().getString("detail").contains("service inventory"), r.bodyAsString());
  }

  @Test
  void envelopeReachesTheServiceAndTheReplyNamesItsNode(Vertx vertx) {
    AtomicReference<String> seenTrace = new AtomicReference<>();
    AtomicReference<String> seenPath = new AtomicReference<>();
    catalog(vertx, m -> {
      seenTrace.set(m.headers().get(EnvelopeHeaders.TRACEPARENT));
      seenPath.set(m.body().path());
      m.reply(HttpReply.json(200, new JsonObject().put("id", 7)),
          new DeliveryOptions().addHeader(EnvelopeHeaders.SERVED_BY, "node-x"));
    });
    String parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    HttpResponse<Buffer> r = client.get("/api/products/7").putHeader("traceparent", parent)
        .putHeader("X-Request-Id", "abc-123").send().await();
    assertEquals(200, r.statusCode());
    assertEquals(7, r.bodyAsJsonObject().getLong("id"));
    assertEquals("/products/7", seenPath.get(), "the reference route rewrites /api/products to the catalog's /products");
    assertEquals("node-x", r.getHeader("X-Gantry-Served-By"));
    assertEquals("abc-123", r.getHeader("X-Request-Id"));
    assertTrue(seenTrace.get().startsWith("00-0af7651916cd43dd8448eb211c80319c-"), seenTrace.get());
  }

  @Test
  void serviceFailureCodeBecomesTheHttpStatus(Vertx vertx) {
    catalog(vertx, m -> m.fail(409, "id: already taken"));
    HttpResponse<Buffer> r = get("/api/products/2");
    assertEquals(409, r.statusCode());
    assertEquals("id: already taken", r.bodyAsJsonObject().getString("detail"));
  }

  @Test
  void aLocationUnderTheRewriteTargetIsMappedBackUnderTheRoute(Vertx vertx) {
    catalog(vertx, m -> m.reply(new HttpReply(201, java.util.Map.of("Location", "/products/42"), null)));
    assertEquals("/api/products/42", get("/api/products").getHeader("Location"));
  }

  @Test
  void oversizedBodyIs413Problem() {
    String big = "{\"items\":[" + "{\"productId\":1,\"quantity\":1},".repeat(40_000) + "]}";
    HttpResponse<Buffer> r = client.post("/api/orders").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(big)).await();
    assertEquals(413, r.statusCode());
    assertEquals(Failure.PAYLOAD_TOO_LARGE.type(), r.bodyAsJsonObject().getString("type"));
  }

  @Test
  void readinessFollowsItsChecks() {
    assertEquals(200, get("/health/ready").statusCode());
    ready.set(false);
    HttpResponse<Buffer> down = get("/health/ready");
    assertEquals(503, down.statusCode());
    assertEquals("DOWN", down.bodyAsJsonObject().getString("status"));
    assertEquals(200, get("/health/live").statusCode());
  }

  @Test
  void whatNoRouteTakesIsAnsweredByTheGatewayItself() {
    HttpResponse<Buffer> missing = client.get("/no/such/route").putHeader("X-Request-Id", "req-404").send().await();
    assertEquals(404, missing.statusCode());
    assertEquals("application/problem+json", missing.getHeader("Content-Type"));
    assertEquals("req-404", missing.bodyAsJsonObject().getString("requestId"), "the request's id is in the problem");
    assertEquals("req-404", missing.getHeader("X-Request-Id"));
    assertEquals(200, get("/health/live/").statusCode(), "one trailing slash is the same path");
    assertEquals(200, client.head("/health/live").send().await().statusCode());
    HttpResponse<Buffer> post = client.post("/health/live").send().await();
    assertEquals(405, post.statusCode());
    assertEquals("GET, HEAD", post.getHeader("Allow"));
    assertEquals(Failure.METHOD_NOT_ALLOWED.type(), post.bodyAsJsonObject().getString("type"));
    assertEquals(404, get("/health/lively").statusCode());
  }
}
