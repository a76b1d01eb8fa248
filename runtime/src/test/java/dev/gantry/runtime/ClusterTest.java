package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A gateway-only node and two services-only nodes in one Hazelcast cluster. */
class ClusterTest {

  @Test
  void gatewaySpreadsRequestsOverTheServiceInstancesOfOtherNodes() throws Exception {
    String cluster = TestNodes.uniqueCluster("cluster");
    Map<String, String> shared = TestNodes.onKitBackends(cluster);
    Map<String, String> gatewayFlags = new HashMap<>(shared);
    gatewayFlags.put("roles", "gateway");
    gatewayFlags.put("admin.token", "cluster-token");
    gatewayFlags.put("admin.port", "0");
    Gantry gateway = null;
    Gantry servicesA = null;
    Gantry servicesB = null;
    Vertx clientVertx = Vertx.vertx();
    try {
      gateway = TestNodes.start(gatewayFlags);
      String join = "127.0.0.1:" + gateway.clusterPort();
      servicesA = TestNodes.start(servicesFlags(shared, join));
      servicesB = TestNodes.start(servicesFlags(shared, join));
      assertEquals(-1, servicesA.httpPort(), "a services-only node serves no HTTP");

      WebClient client = WebClient.create(clientVertx, new WebClientOptions().setDefaultPort(gateway.httpPort()));
      Set<String> servedBy = new HashSet<>();
      for (int i = 0; i < 20; i++) {
        HttpResponse<Buffer> r = client.get("/api/products/" + (1 + i % 12)).send().await();
        assertEquals(200, r.statusCode(), r.bodyAsString());
        servedBy.add(r.getHeader("X-Gantry-Served-By"));
      }
      assertEquals(Set.of(servicesA.nodeId(), servicesB.nodeId()), servedBy);

      HttpResponse<Buffer> order = client.post("/api/orders").putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer("{\"items\":[{\"productId\":3,\"quantity\":1}]}")).await();
      assertEquals(201, order.statusCode(), order.bodyAsString());
      assertEquals(200, client.get(order.getHeader("Location")).send().await().statusCode());

      JsonObject ready = client.get("/health/ready").send().await().bodyAsJsonObject();
      JsonObject clusterCheck = ready.getJsonArray("checks").stream().map(c -> (JsonObject) c)
          .filter(c -> c.getString("id").equals("cluster")).findFirst().orElseThrow();
      assertEquals(3, clusterCheck.getJsonObject("data").getInteger("members"));
      assertTrue(gateway.readyLine().contains("cluster " + cluster + ", 3 members"), gateway.readyLine());

      // The admin API's view of the same: every live node, and this gateway's per-route totals.
      WebClient admin = WebClient.create(clientVertx, new WebClientOptions().setDefaultPort(gateway.adminPort()));
      assertEquals(404, client.get("/nowhere").send().await().statusCode());
      JsonObject members = admin.get("/admin/cluster").bearerTokenAuthentication("cluster-token").send().await().bodyAsJsonObject();
      Map<String, JsonObject> nodes = new HashMap<>();
      members.getJsonArray("nodes").forEach(n -> nodes.put(((JsonObject) n).getString("node"), (JsonObject) n));
      assertEquals(Set.of(gateway.nodeId(), servicesA.nodeId(), servicesB.nodeId()), nodes.keySet(), members.encode());
      assertEquals(List.of("gateway"), nodes.get(gateway.nodeId()).getJsonArray("roles").getList(), members.encode());
      assertEquals(List.of("services"), nodes.get(servicesA.nodeId()).getJsonArray("roles").getList(), members.encode());
      assertEquals("default", nodes.get(servicesB.nodeId()).getString("zone"), members.encode());
      JsonObject stats = admin.get("/admin/stats").bearerTokenAuthentication("cluster-token").send().await().bodyAsJsonObject();
      JsonObject products = stats.getJsonObject("routes").getJsonObject("api.products");
      assertEquals(20L, products.getLong("requests"), stats.encode());
      assertEquals(0L, products.getLong("errors"), stats.encode());
      assertTrue(stats.getJsonArray("recentFailures").stream().map(f -> (JsonObject) f)
          .anyMatch(f -> f.getInteger("status") == 404 && "/nowhere".equals(f.getString("path"))), stats.encode());
      assertEquals(401, admin.get("/admin/cluster").send().await().statusCode());
    } finally {
      TestNodes.stop(servicesB);
      TestNodes.stop(servicesA);
      TestNodes.stop(gateway);
      clientVertx.close().await();
    }
  }

  private static Map<String, String> servicesFlags(Map<String, String> shared, String join) {
    Map<String, String> flags = new HashMap<>(shared);
    flags.put("roles", "services");
    flags.put("cluster.join", join);
    return flags;
  }
}
