package dev.gantry.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.embedded.EmbeddedKafkaBroker;
import dev.gantry.embedded.EmbeddedPostgresServer;
import dev.gantry.embedded.EmbeddedRedisServer;
import dev.gantry.testkit.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readiness follows the backends: a stopped Redis, Kafka or Postgres makes the node not ready, and back. */
class ReadinessTest {

  @Test
  void readinessFailsWhileRedisIsDownAndRecovers(@TempDir Path dir) throws Exception {
    EmbeddedRedisServer redis = EmbeddedRedisServer.start(dir);
    Map<String, String> flags = TestNodes.onKitBackends(TestNodes.uniqueCluster("ready"));
    flags.put("redis.url", redis.endpoint());
    Gantry node = TestNodes.start(flags);
    Vertx vertx = Vertx.vertx();
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.httpPort()));
    EmbeddedRedisServer restarted = null;
    try {
      assertEquals(200, client.get("/health/ready").send().await().statusCode());

      redis.close();
      Poll.until(vertx, Duration.ofSeconds(30), "readiness 503 with redis DOWN",
          () -> redisStatus(client.get("/health/ready").send().await()).equals("503 DOWN"));
      HttpResponse<Buffer> down = client.get("/health/ready").send().await();
      JsonObject postgres = check(down, "postgres");
      assertEquals("UP", postgres.getString("status"), "only the stopped backend is reported down");
      assertEquals(200, client.get("/health/live").send().await().statusCode());

      restarted = EmbeddedRedisServer.start(dir, redis.port());
      Poll.until(vertx, Duration.ofSeconds(30), "readiness back to 200",
          () -> client.get("/health/ready").send().await().statusCode() == 200);
    } finally {
      client.close();
      vertx.close().await();
      TestNodes.stop(node);
      if (restarted != null) {
        restarted.close();
      }
    }
  }

  @Test
  void readinessFailsWhileKafkaIsDownAndRecovers(@TempDir Path dir) throws Exception {
    EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(dir);
    Map<String, String> flags = TestNodes.onKitBackends(TestNodes.uniqueCluster("ready-kafka"));
    flags.put("kafka.bootstrap", kafka.endpoint());
    Gantry node = null;
    Vertx vertx = Vertx.vertx();
    WebClient client = null;
    try {
      node = TestNodes.start(flags);
      client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.httpPort()));
      WebClient c = client;
      assertEquals(200, client.get("/health/ready").send().await().statusCode());

      kafka.close();
      Poll.until(vertx, Duration.ofSeconds(60), "readiness 503 with kafka DOWN", () -> {
        HttpResponse<Buffer> r = c.get("/health/ready").send().await();
        return r.statusCode() == 503 && check(r, "kafka").getString("status").equals("DOWN");
      });
      HttpResponse<Buffer> down = client.get("/health/ready").send().await();
      assertEquals("UP", check(down, "postgres").getString("status"), "only the stopped backend is reported down");
      assertEquals("UP", check(down, "redis").getString("status"));
      assertEquals(200, client.get("/health/live").send().await().statusCode());

      kafka = EmbeddedKafkaBroker.start(dir, kafka.port());
      Poll.until(vertx, Duration.ofSeconds(60), "readiness back to 200",
          () -> c.get("/health/ready").send().await().statusCode() == 200);
    } finally {
      if (client != null) {
        client.close();
      }
      vertx.close().await();
      TestNodes.stop(node);
      kafka.close();
    }
  }

  @Test
  void readinessFailsWhilePostgresIsDownAndRecovers(@TempDir Path dir) throws Exception {
    EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir.resolve("pg"));
    Map<String, String> flags = TestNodes.onKitBackends(TestNodes.uniqueCluster("ready-pg"));
    flags.put("pg.url", postgres.endpoint());
    Gantry node = null;
    Vertx vertx = Vertx.vertx();
    try {
      node = TestNodes.start(flags);
      WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.httpPort()));
      assertEquals(200, client.get("/health/ready").send().await().statusCode());

      postgres.close();
      Poll.until(vertx, Duration.ofSeconds(60), "readiness 503 with postgres DOWN", () -> {
        HttpResponse<Buffer> r = client.get("/health/ready").send().await();
        return r.statusCode() == 503 && check(r, "postgres").getString("status").equals("DOWN");
      });
      HttpResponse<Buffer> down = client.get("/health/ready").send().await();
      assertEquals("UP", check(down, "redis").getString("status"), "only the stopped backend is reported down");
      assertEquals("UP", check(down, "kafka").getString("status"));
      assertEquals(200, client.get("/health/live").send().await().statusCode());

      postgres = EmbeddedPostgresServer.start(dir.resolve("pg"), postgres.port());
      Poll.until(vertx, Duration.ofSeconds(60), "readiness back to 200",
          () -> client.get("/health/ready").send().await().statusCode() == 200);
      assertEquals(200, client.get("/api/products/1").send().await().statusCode(), "served from the restarted Postgres");
    } finally {
      vertx.close().await();
      TestNodes.stop(node);
      postgres.close();
    }
  }

  @Test
  void aNodeThatHasLeftTheClusterIsNotReady() throws Exception {
    Map<String, String> flags = TestNodes.base(TestNodes.uniqueCluster("ready-cluster"));
    flags.put("roles", "gateway");
    Gantry node = TestNodes.start(flags);
    Vertx vertx = Vertx.vertx();
    try {
      WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultPort(node.httpPort()));
      HttpResponse<Buffer> ready = client.get("/health/ready").send().await();
      assertEquals(200, ready.statusCode(), ready.bodyAsString());
      assertEquals("UP", check(ready, "cluster").getString("status"));

      // The node's Hazelcast member goes away (as when it is cut off and shut down by the cluster).
      io.vertx.spi.cluster.hazelcast.HazelcastClusterManager cluster = (io.vertx.spi.cluster.hazelcast.HazelcastClusterManager)
          ((io.vertx.core.internal.VertxInternal) node.vertx()).clusterManager();
      cluster.getHazelcastInstance().getLifecycleService().terminate();
      Poll.until(vertx, Duration.ofSeconds(60), "readiness 503 with the cluster DOWN", () -> {
        HttpResponse<Buffer> r = client.get("/health/ready").send().await();
        return r.statusCode() == 503 && check(r, "cluster").getString("status").equals("DOWN");
      });
      assertEquals(200, client.get("/health/live").send().await().statusCode(), "alive, just not ready");
    } finally {
      vertx.close().await();
      try {
        TestNodes.stop(node);
      } catch (Exception e) {
        // A node cut off from its cluster still stops: its entry in the cluster's node map cannot
        // be withdrawn (stop reports that failure), the rest is undeployed and closed.
        assertTrue(String.valueOf(e.getMessage()).contains("not active"), e.toString());
      }
      assertTrue(node.vertx().deploymentIDs().isEmpty(), "everything undeployed");
    }
  }

  private static String redisStatus(HttpResponse<Buffer> r) {
    return r.statusCode() + " " + check(r, "redis").getString("status");
  }

  private static JsonObject check(HttpResponse<Buffer> r, String id) {
    return r.bodyAsJsonObject().getJsonArray("checks").stream().map(c -> (JsonObject) c)
        .filter(c -> c.getString("id").equals(id)).findFirst().orElseThrow();
  }
}
