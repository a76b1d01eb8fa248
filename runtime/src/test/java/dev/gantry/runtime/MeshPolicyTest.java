package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.codecs.Addresses;
import dev.gantry.codecs.Envelope;
import dev.gantry.codecs.http.HttpCall;
import dev.gantry.codecs.http.HttpReply;
import dev.gantry.discovery.MeshGate;
import dev.gantry.discovery.ServiceCatalog;
import dev.gantry.discovery.ServiceClient;
import dev.gantry.discovery.ServiceRecord;
import dev.gantry.runtime.mesh.MeshPolicyFeed;
import dev.gantry.services.sdk.ServiceContext;
import dev.gantry.services.sdk.ServiceEndpoints;
import dev.gantry.testkit.Poll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mesh's call policy from the route file and the admin API: refused on the caller side (the
 * gateway, 403) and on the callee side (a service checks the caller named on the bus); and service
 * targets that stay in the gateway's zone while enough of it is there.
 */
class MeshPolicyTest {
  private static final String ADMIN = "mesh-admin-token";
  private Gantry node;
  private Vertx client;
  private WebClient http;
  private WebClient admin;
  private MeshGate gate;
  private MeshPolicyFeed feed;

  @BeforeEach
  void start() throws Exception {
    Path routes = Files.createTempFile("routes", ".yaml");
    Files.writeString(routes, """
        mesh:
          default: deny
          allow:
            - {from: gateway, to: [open]}
            - {from: pricing, to: [open]}
        routes:
          - {id: open, match: {path: /open/**}, service: open}
          - {id: secret, match: {path: /secret/**}, service: secret}
          - {id: zoned, match: {path: /zoned/**}, service: zoned}
        """);
    Map<String, String> flags = TestNodes.base(TestNodes.uniqueCluster("mesh"));
    flags.put("roles", "gateway");
    flags.put("routes.file", routes.toString());
    flags.put("admin.token", ADMIN);
    flags.put("admin.port", "0");
    flags.put("node.zone", "eu-1");
    node = TestNodes.start(flags);
    Vertx vertx = node.vertx();
    gate = MeshGate.open();
    feed = new MeshPolicyFeed(vertx, gate);
    feed.start().await();
    ServiceEndpoints endpoints = new ServiceEndpoints(vertx, new ServiceContext(node.nodeId(), "eu-1",
        ServiceCatalog.create(vertx), gate));
    for (String service : new String[] {"open", "secret"}) {
      endpoints.bindHttp(service, "v1", (call, envelope) -> Future.succeededFuture(HttpReply.json(200,
          new JsonObject().put("service", service)))).await();
    }
    client = Vertx.vertx();
    http = WebClient.create(client, new WebClientOptions().setDefaultPort(node.httpPort()));
    admin = WebClient.create(client, new WebClientOptions().setDefaultPort(node.adminPort()));
  }

  @AfterEach
  void stop() throws Exception {
    TestNodes.stop(node);
    client.close().await();
  }

  private HttpResponse<Buffer> get(String path) {
    return http.get(path).send().await();
  }

  @Test
  void aCallThePolicyDoesNotAllowIsRefusedWith403OnBothSidesUntilTheAdminApiAllowsIt() {
    Poll.until(client, Duration.ofSeconds(10), "the catalog lists open", () -> get("/open/x").statusCode() == 200);
    HttpResponse<Buffer> denied = get("/secret/x");
    assertEquals(403, denied.statusCode(), denied.bodyAsString());
    assertTrue(denied.bodyAsJsonObject().getString("detail").contains("does not allow gateway to call secret"), denied.bodyAsString());

    // The callee checks too: a caller the policy does not name, or none, is refused by the service itself.
    ServiceClient bus = new ServiceClient(node.vertx());
    HttpCall call = new HttpCall("GET", "/x", null, Map.of(), Buffer.buffer());
    assertEquals(403, failureCode(bus.request(Addresses.httpService("open", null), call, envelope(), "intruder")));
    assertEquals(403, failureCode(bus.request(Addresses.httpService("secret", null), call, envelope(), "pricing")));
    assertEquals(403, failureCode(bus.request(Addresses.httpService("open", null), call, envelope())));
    assertEquals(200, ((HttpReply) bus.request(Addresses.httpService("open", null), call, envelope(), "pricing")
        .await().body()).status());

    HttpResponse<Buffer> changed = admin.put("/admin/mesh").bearerTokenAuthentication(ADMIN).sendJsonObject(new JsonObject("""
        {"default": "deny", "allow": [{"from": "gateway", "to": ["open", "secret"]}]}""")).await();
    assertEquals(200, changed.statusCode(), changed.bodyAsString());
    Poll.until(client, Duration.ofSeconds(10), "the callee side took the new policy",
        () -> gate.policy().refuse("gateway", "secret") == null);
    HttpResponse<Buffer> allowed = get("/secret/x");
    assertEquals(200, allowed.statusCode(), allowed.bodyAsString());

    HttpResponse<Buffer> bad = admin.put("/admin/mesh").bearerTokenAuthentication(ADMIN).sendJsonObject(new JsonObject("""
        {"default": "maybe"}""")).await();
    assertEquals(422, bad.statusCode(), bad.bodyAsString());
    assertTrue(bad.bodyAsString().contains("mesh.default: expected allow or deny"), bad.bodyAsString());

    String metrics = admin.get("/metrics").bearerTokenAuthentication(ADMIN).send().await().bodyAsString();
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("gantry_mesh_denied_total{") && l.contains("side=\"caller\"")
        && l.contains("from=\"gateway\"") && l.contains("to=\"secret\"")), metrics);
  }

  private static Envelope envelope() {
    return Envelope.start(null, null, 5_000, null);
  }

  private static int failureCode(Future<?> call) {
    try {
      call.await();
      return 200;
    } catch (dev.gantry.codecs.ServiceException e) {
      return e.failure().code();
    }
  }

  @Test
  void serviceCallsStayInTheGatewaysZoneWhileEnoughOfItIsThereAndFailOverOtherwise() throws Exception {
    Vertx vertx = node.vertx();
    admin.put("/admin/mesh").bearerTokenAuthentication(ADMIN).sendJsonObject(new JsonObject("""
        {"default": "allow", "zone-min-healthy-percent": 50}""")).await();
    ServiceCatalog catalog = ServiceCatalog.create(vertx);
    Map<String, String> zones = Map.of("a1", "eu-1", "a2", "eu-1", "b1", "eu-2");
    for (Map.Entry<String, String> instance : zones.entrySet()) {
      String address = Addresses.httpServiceOn("zoned", "v1", instance.getKey());
      vertx.eventBus().<HttpCall>consumer(address, m -> m.reply(HttpReply.json(200, new JsonObject().put("by", instance.getKey())),
          new DeliveryOptions())).completion().await();
      catalog.publish(new ServiceRecord("zoned", "v1", instance.getValue(), instance.getKey(), address)).await();
    }
    Poll.until(client, Duration.ofSeconds(10), "the catalog lists zoned", () -> get("/zoned/x").statusCode() == 200);
    assertEquals(java.util.Set.of("a1", "a2"), servedBy(8));
    // One of two instances in eu-1 gone: half of the zone is still there, which is enough.
    vertx.eventBus().publish(Addresses.NODE_LEFT, "a1", new DeliveryOptions().setLocalOnly(true));
    Poll.until(client, Duration.ofSeconds(10), "a1 is no longer chosen", () -> servedBy(4).equals(java.util.Set.of("a2")));
    // Both gone: the calls fail over to eu-2.
    vertx.eventBus().publish(Addresses.NODE_LEFT, "a2", new DeliveryOptions().setLocalOnly(true));
    Poll.until(client, Duration.ofSeconds(10), "failed over to eu-2", () -> servedBy(4).equals(java.util.Set.of("b1")));
  }

  private java.util.Set<String> servedBy(int requests) {
    java.util.Set<String> by = new java.util.HashSet<>();
    for (int i = 0; i < requests; i++) {
      HttpResponse<Buffer> r = get("/zoned/x");
      assertEquals(200, r.statusCode(), r.bodyAsString());
      by.add(r.bodyAsJsonObject().getString("by"));
    }
    return by;
  }
}
