package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster.standalone}: a node without Hazelcast serves its route file, its policies and —
 * with the services role — the reference API over its own event bus.
 */
class StandaloneNodeTest {
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

  private Path routes(Path dir) throws Exception {
    return Files.writeString(dir.resolve("routes.yaml"), "upstreams:\n  - name: web\n    targets: [{url: 'http://127.0.0.1:"
        + upstream.actualPort() + "'}]\nroutes:\n  - id: web\n    match: {path: /web/**}\n    upstream: web\n"
        + "    rewrite: /\n    policies:\n      - rate-limit: {limit: 3, window: 1m, key: client-ip, store: local}\n"
        + "      - waf: {paranoia: 1}\n");
  }

  @Test
  void aLeanGatewayNodeStartsNoClusterAndServesItsRoutesWithTheirPolicies(@TempDir Path dir) throws Exception {
    Map<String, String> flags = TestNodes.base(TestNodes.uniqueCluster("standalone"));
    flags.put("roles", "gateway");
    flags.put("cluster.standalone", "on");
    flags.put("routes.file", routes(dir).toString());
    Gantry node = TestNodes.start(flags);
    try {
      assertFalse(((VertxInternal) node.vertx()).isClustered(), "no cluster manager");
      assertEquals(-1, node.clusterPort());
      assertTrue(node.readyLine().endsWith("; standalone)"), node.readyLine());
      assertTrue(node.backends().owned().isEmpty(), "no embedded backend");
      WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.httpPort()));
      HttpResponse<Buffer> ready = client.get("/health/ready").send().await();
      assertEquals(200, ready.statusCode(), ready.bodyAsString());
      assertTrue(ready.bodyAsString().contains("\"standalone\":true"), ready.bodyAsString());
      for (int i = 0; i < 3; i++) {
        HttpResponse<Buffer> r = client.get("/web/a?b=c").send().await();
        assertEquals(200, r.statusCode(), r.bodyAsString());
        assertEquals("/a?b=c", r.bodyAsJsonObject().getString("path"));
      }
      HttpResponse<Buffer> limited = client.get("/web/a").send().await();
      assertEquals(429, limited.statusCode(), "the route's rate limit holds on a standalone node");
      assertEquals("application/problem+json", limited.getHeader("Content-Type"));
      // no services on this node and no cluster to find them in: a clear 503, not a hang
      HttpResponse<Buffer> api = client.get("/api/products/1").send().await();
      assertEquals(503, api.statusCode(), api.bodyAsString());
      assertEquals("application/problem+json", api.getHeader("Content-Type"));
    } finally {
      TestNodes.stop(node);
    }
  }

  @Test
  void aStandaloneNodeWithServicesAnswersTheReferenceApiOverItsOwnBusOnJavaNio() throws Exception {
    Map<String, String> flags = TestNodes.onKitBackends(TestNodes.uniqueCluster("standalone-all"));
    flags.put("roles", "gateway,services");
    flags.put("cluster.standalone", "on");
    flags.put("node.transport", "nio"); // the fallback where no native transport runs: the whole node on Java NIO
    Gantry node = TestNodes.start(flags);
    try {
      assertFalse(((VertxInternal) node.vertx()).isClustered());
      assertFalse(node.vertx().isNativeTransportEnabled());
      WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.httpPort()));
      HttpResponse<Buffer> product = client.get("/api/products/1").send().await();
      assertEquals(200, product.statusCode(), product.bodyAsString());
      assertEquals("GT-001", product.bodyAsJsonObject().getString("sku"));
    } finally {
      TestNodes.stop(node);
    }
  }
}
