package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.testkit.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
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
import org.junit.jupiter.api.io.TempDir;

/** Declared routes on real nodes: from a route file, and changed through one node's admin API. */
class GatewayRoutesTest {
  private Vertx vertx;
  private HttpServer upstream;

  @BeforeEach
  void upstream() {
    vertx = Vertx.vertx();
    upstream = TestNodes.uriEcho(vertx);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private String url() {
    return "http://127.0.0.1:" + upstream.actualPort();
  }

  @Test
  void aRouteFileIsServedAndABadOneStopsStartupNamingTheField(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("routes.yaml");
    Files.writeString(file, "upstreams:\n  - name: web\n    targets: [{url: '" + url() + "'}]\n"
        + "routes:\n  - id: web\n    match: {path: /web/**}\n    upstream: web\n    rewrite: /\n"
        + "  - {id: shop, match: {path: /shop/products/**}, service: catalog, rewrite: /products}\n");
    Map<String, String> flags = TestNodes.onKitBackends(TestNodes.uniqueCluster("file"));
    flags.put("routes.file", file.toString());
    Gantry node = TestNodes.start(flags);
    try {
      WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.httpPort()));
      HttpResponse<Buffer> r = client.get("/web/a/b?c=d").send().await();
      assertEquals(200, r.statusCode(), r.bodyAsString());
      assertEquals("/a/b?c=d", r.bodyAsJsonObject().getString("path"));
      assertEquals(200, client.get("/api/products/1").send().await().statusCode(), "built-in routes still answer");
      HttpResponse<Buffer> viaService = client.get("/shop/products/3").send().await();
      assertEquals(200, viaService.statusCode(), viaService.bodyAsString());
      assertEquals("GT-003", viaService.bodyAsJsonObject().getString("sku"), "catalog answered over the bus");
      assertEquals(404, client.get("/shop/products/999").send().await().statusCode());
    } finally {
      TestNodes.stop(node);
    }

    Files.writeString(file, "routes:\n  - {id: bad, match: {path: nope}, upstream: web}\n");
    Map<String, String> badFlags = TestNodes.onKitBackends(TestNodes.uniqueCluster("badfile"));
    badFlags.put("routes.file", file.toString());
    Exception e = assertThrows(Exception.class, () -> TestNodes.start(badFlags));
    assertEquals("routes file " + file + ": routes[0].match.path: must start with /", e.getMessage());
  }

  @Test
  void aGatewayJoiningAClusterWithRoutesTakesTheClustersCopyAndSaysItsFileIsNotUsed(@TempDir Path dir) throws Exception {
    Path first = dir.resolve("first.yaml");
    Files.writeString(first, """
        upstreams:
          - {name: web, targets: [{url: '%s'}]}
        routes:
          - {id: first, match: {path: /first/**}, upstream: web}
        """.formatted(url()));
    Path second = dir.resolve("second.yaml");
    Files.writeString(second, """
        upstreams:
          - {name: web, targets: [{url: '%s'}]}
        routes:
          - {id: second, match: {path: /second/**}, upstream: web}
        """.formatted(url()));
    ch.qos.logback.classic.Logger gatewayLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
        .getLogger("dev.gantry.gateway.GatewayVerticle");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> captured =
        new ch.qos.logback.core.read.ListAppender<>();
    captured.start();
    gatewayLog.addAppender(captured);
    String cluster = TestNodes.uniqueCluster("seeded");
    Map<String, String> flagsA = TestNodes.onKitBackends(cluster);
    flagsA.put("roles", "gateway");
    flagsA.put("routes.file", first.toString());
    Gantry a = null;
    Gantry b = null;
    try {
      a = TestNodes.start(flagsA);
      Map<String, String> flagsB = new HashMap<>(flagsA);
      flagsB.put("routes.file", second.toString());
      flagsB.put("cluster.join", "127.0.0.1:" + a.clusterPort());
      b = TestNodes.start(flagsB);
      WebClient clientB = WebClient.create(vertx, new WebClientOptions().setDefaultPort(b.httpPort()));
      assertEquals(200, clientB.get("/first/x").send().await().statusCode(), "the cluster's routes");
      assertEquals(404, clientB.get("/second/x").send().await().statusCode(), "not the joining node's file");
      WebClient clientA = WebClient.create(vertx, new WebClientOptions().setDefaultPort(a.httpPort()));
      assertEquals(404, clientA.get("/second/x").send().await().statusCode());
      assertEquals(1, captured.list.stream().filter(e -> e.getFormattedMessage()
          .contains("this node's route file is not used")).count(), "said once, by the joining node");
    } finally {
      gatewayLog.detachAppender(captured);
      TestNodes.stop(b);
      TestNodes.stop(a);
    }
  }

  @Test
  void anAdminChangeOnOneGatewayReachesTheOther() throws Exception {
    String cluster = TestNodes.uniqueCluster("admin");
    Map<String, String> first = TestNodes.onKitBackends(cluster);
    first.put("admin.token", "secret-token");
    first.put("admin.port", "0");
    first.put("roles", "gateway");
    Gantry a = TestNodes.start(first);
    Gantry b = null;
    try {
      Map<String, String> second = new HashMap<>(first);
      second.put("cluster.join", "127.0.0.1:" + a.clusterPort());
      b = TestNodes.start(second);
      WebClient admin = WebClient.create(vertx, new WebClientOptions().setDefaultPort(a.adminPort()));
      WebClient clientB = WebClient.create(vertx, new WebClientOptions().setDefaultPort(b.httpPort()));
      assertEquals(404, clientB.get("/live/x").send().await().statusCode());

      assertEquals(200, admin.put("/admin/upstreams/live").bearerTokenAuthentication("secret-token")
          .sendJsonObject(new JsonObject().put("targets", new io.vertx.core.json.JsonArray()
              .add(new JsonObject().put("url", url())))).await().statusCode());
      assertEquals(200, admin.put("/admin/routes/live").bearerTokenAuthentication("secret-token")
          .sendJsonObject(new JsonObject("{\"match\":{\"path\":\"/live/**\"},\"upstream\":\"live\"}")).await().statusCode());
      // How fast it arrives is measured in bench/, not here: wait for it, generously.
      Poll.until(vertx, Duration.ofSeconds(30), "the second gateway serves the new route",
          () -> clientB.get("/live/x").send().await().statusCode() == 200);
    } finally {
      TestNodes.stop(b);
      TestNodes.stop(a);
    }
  }
}
