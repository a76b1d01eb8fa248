package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.discovery.ServiceRecord;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Routes whose target is an event-bus service found through the service catalog: the same
 * split, retry, breaker and deadline rules as HTTP upstreams.
 */
@ExtendWith(VertxExtension.class)
class ServiceTargetTest {
  private GatewayHarness gw;
  private ServiceCatalog catalog;

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
    if (catalog != null) {
      catalog.close();
    }
  }

  /** Plays one version of a service: answers with its version, the path it got and its deadline. */
  private AtomicInteger serve(Vertx vertx, String name, String version, int status) {
    AtomicInteger calls = new AtomicInteger();
    if (catalog == null) {
      catalog = ServiceCatalog.create(vertx);
    }
    for (String address : List.of(Addresses.httpService(name, null), Addresses.httpService(name, version))) {
      vertx.eventBus().<HttpCall>consumer(address, m -> {
        calls.incrementAndGet();
        Envelope env = Envelope.from(m.headers());
        m.reply(HttpReply.json(status, new JsonObject().put("version", version).put("path", m.body().path())
            .put("query", m.body().query()).put("remainingMillis", env.remainingMillis())
            .put("headers", new JsonObject(new java.util.HashMap<>(m.body().headers())))));
      }).completion().await();
    }
    catalog.publish(new ServiceRecord(name, version, "default", "test", Addresses.httpService(name, version))).await();
    return calls;
  }

  @Test
  void aServiceRouteIsAnsweredOverTheBusWithTheRoutesDeadline(Vertx vertx) {
    serve(vertx, "echo", "v1", 200);
    gw = GatewayHarness.start(vertx, "routes:\n  - {id: svc, match: {path: /svc/**}, service: echo, rewrite: /, timeout-ms: 3000}\n");
    HttpResponse<Buffer> r = gw.client.get("/svc/hello?x=1").putHeader("Connection", "X-Drop")
        .putHeader("X-Drop", "1").putHeader("X-Keep", "1").send().await();
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject body = r.bodyAsJsonObject();
    JsonObject seen = body.getJsonObject("headers");
    assertEquals("1", seen.getString("X-Keep"), seen.encode());
    assertTrue(!seen.containsKey("X-Drop") && !seen.containsKey("Connection"), "hop-by-hop headers stay behind: " + seen);
    assertEquals("/hello", body.getString("path"));
    assertEquals("x=1", body.getString("query"));
    long remaining = body.getLong("remainingMillis");
    assertTrue(remaining > 2000 && remaining <= 3000, "the service saw the route's deadline: " + remaining);
  }

  @Test
  void versionsSplitByWeightAndPin(Vertx vertx) {
    serve(vertx, "shop", "v1", 200);
    serve(vertx, "shop", "v2", 200);
    gw = GatewayHarness.start(vertx, "routes:\n  - id: shop\n    match: {path: /shop/**}\n"
        + "    split: [{service: shop, version: v1, weight: 80}, {service: shop, version: v2, weight: 20}]\n"
        + "    pin: {header: X-Shop}\n");
    long v2 = gw.many(2000, 50, i -> gw.client.get("/shop/x").send()).stream()
        .filter(r -> r.bodyAsJsonObject().getString("version").equals("v2")).count();
    assertTrue(Math.abs(v2 / 2000.0 - 0.20) <= 0.03, "v2 share " + v2 / 2000.0);
    assertEquals("v2", gw.client.get("/shop/x").putHeader("X-Shop", "shop@v2").send().await()
        .bodyAsJsonObject().getString("version"));
  }

  @Test
  void retriesBreakerAndTimeoutApplyToServiceTargets(Vertx vertx) {
    AtomicInteger failing = serve(vertx, "flaky", "v1", 503);
    AtomicLong silentCalls = new AtomicLong();
    vertx.eventBus().consumer(Addresses.httpService("silent", null), m -> silentCalls.incrementAndGet()).completion().await();
    catalog.publish(new ServiceRecord("silent", "v1", "default", "test", Addresses.httpService("silent", "v1"))).await();
    gw = GatewayHarness.start(vertx, "routes:\n"
        + "  - {id: flaky, match: {path: /flaky}, service: flaky, retry: {attempts: 2, backoff-ms: 1, budget-percent: 100},"
        + " breaker: {max-failures: 6, reset-ms: 60000}}\n"
        + "  - {id: silent, match: {path: /silent}, service: silent, timeout-ms: 200}\n"
        + "  - {id: absent, match: {path: /absent}, service: nobody}\n");
    assertEquals(503, gw.get("/flaky").statusCode());
    assertEquals(3, failing.get(), "one try and two retries");
    assertEquals(503, gw.get("/flaky").statusCode());
    assertEquals(6, failing.get());
    HttpResponse<Buffer> open = gw.get("/flaky");
    assertEquals(503, open.statusCode());
    assertTrue(open.bodyAsJsonObject().getString("detail").contains("circuit breaker"), open.bodyAsString());
    assertEquals(6, failing.get(), "an open breaker does not call the service");

    long t0 = System.nanoTime();
    HttpResponse<Buffer> slow = gw.get("/silent");
    assertEquals(504, slow.statusCode());
    assertTrue((System.nanoTime() - t0) / 1_000_000 < 1500);

    HttpResponse<Buffer> absent = gw.get("/absent");
    assertEquals(503, absent.statusCode());
    assertEquals("no instance of service nobody is published in the cluster", absent.bodyAsJsonObject().getString("detail"));
  }
}
