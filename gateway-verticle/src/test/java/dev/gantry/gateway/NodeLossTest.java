package dev.gantry.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.discovery.ServiceRecord;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A node that leaves while it holds a request: the gateway does not wait for the deadline. An
 * instance "on" a node here is a consumer on that node's own address; the node leaving is the
 * local node-left event the runtime publishes on member-removed.
 */
@ExtendWith(VertxExtension.class)
class NodeLossTest {
  private static final String ROUTES = """
      routes:
        - {id: pair, match: {path: /pair/**}, service: pair, rewrite: /, timeout-ms: 5000}
        - {id: lone, match: {path: /lone/**}, service: lone, rewrite: /, timeout-ms: 5000}
      """;
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

  /** An instance on {@code node} that never answers, and reports its node gone once it holds a request. */
  private AtomicInteger dying(Vertx vertx, String service, String node) {
    AtomicInteger held = new AtomicInteger();
    vertx.eventBus().<HttpCall>consumer(Addresses.httpServiceOn(service, "v1", node), m -> {
      held.incrementAndGet();
      vertx.eventBus().publish(Addresses.NODE_LEFT, node, new DeliveryOptions().setLocalOnly(true));
    }).completion().await();
    catalog.publish(new ServiceRecord(service, "v1", "default", node, Addresses.httpServiceOn(service, "v1", node))).await();
    return held;
  }

  private void healthy(Vertx vertx, String service, String node) {
    vertx.eventBus().<HttpCall>consumer(Addresses.httpServiceOn(service, "v1", node),
        m -> m.reply(HttpReply.json(200, new JsonObject().put("node", node)))).completion().await();
    catalog.publish(new ServiceRecord(service, "v1", "default", node, Addresses.httpServiceOn(service, "v1", node))).await();
  }

  @Test
  void anIdempotentRequestHeldByANodeThatLeavesIsAnsweredByAnotherInstanceAtOnce(Vertx vertx) {
    catalog = ServiceCatalog.create(vertx);
    AtomicInteger held = dying(vertx, "pair", "n1");
    healthy(vertx, "pair", "n2");
    gw = GatewayHarness.start(vertx, ROUTES);
    for (int i = 0; i < 4; i++) {
      long t0 = System.nanoTime();
      HttpResponse<Buffer> r = gw.client.get("/pair/x").send().await();
      long millis = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(200, r.statusCode(), r.bodyAsString());
      assertEquals("n2", r.bodyAsJsonObject().getString("node"));
      assertTrue(millis < 2_500, "answered in " + millis + " ms, not at the 5 s deadline");
    }
    assertTrue(held.get() > 0, "a request went to the instance whose node left");
  }

  @Test
  void aNonIdempotentRequestHeldByANodeThatLeavesFailsAtOnceWith503(Vertx vertx) {
    catalog = ServiceCatalog.create(vertx);
    dying(vertx, "lone", "n1");
    gw = GatewayHarness.start(vertx, ROUTES);
    long t0 = System.nanoTime();
    HttpResponse<Buffer> r = gw.client.post("/lone/orders").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{}")).await();
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(503, r.statusCode(), r.bodyAsString());
    assertEquals("application/problem+json", r.getHeader("Content-Type"));
    assertTrue(r.bodyAsJsonObject().getString("detail").contains("left the cluster"), r.bodyAsString());
    assertTrue(millis < 2_500, "failed in " + millis + " ms, not at the 5 s deadline");
  }
}
